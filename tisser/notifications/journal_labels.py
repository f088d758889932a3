"""The notifications app's journal actions in plain French (``core/journal_labels``).

An opt-out is named by its number only: the row holds a phone number or an address.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind
from tisser.notifications.caps import CAP_REACHED_ACTION
from tisser.notifications.models import Channel

ACTION_LABELS = {
    "notification.opted_out": _("Désinscription des messages"),
    CAP_REACHED_ACTION: _("Plafond de SMS des demandes anonymes atteint"),
}

DETAIL_FIELDS = {
    "notification.": {
        "channel": DetailField(_("canal"), Channel.choices),
        "cap": DetailField(_("plafond")),
        "day": DetailField(_("jour")),
    }
}

OBJECT_KINDS = [ObjectKind("notifications.optout", _("Désinscription"))]
