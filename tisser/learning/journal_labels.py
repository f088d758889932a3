"""The learning app's journal actions and objects in plain French (``core/journal_labels``).

Only what staff do is journaled (giving and withdrawing modules, groups, reading a
person's or a group's follow-up, printing the sheet, a reminder sent by hand); a learner's
own steps are not (decision 0053, like their practice in 0044). A group is named by its name and opens its
page for whoever may read it.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.learning.models import LearnerGroup
from tisser.notifications.models import Channel

ACTION_LABELS = {
    "learning.assigned": _("Modules donnés à la personne"),
    "learning.withdrawn": _("Module retiré du parcours de la personne"),
    "learning.file_viewed": _("Modules d'un dossier consultés"),
    "learning.sheet_printed": _("Feuille des modules imprimée pour la personne"),
    "learning.nudged": _("Rappel envoyé à la personne : un module l'attend"),
    "learning.group_created": _("Groupe d'apprenants créé"),
    "learning.group_viewed": _("Suivi d'un groupe d'apprenants consulté"),
    "learning.group_member_added": _("Personne ajoutée à un groupe d'apprenants"),
    "learning.group_member_removed": _("Personne retirée d'un groupe d'apprenants"),
    "learning.group_assigned": _("Modules donnés à un groupe d'apprenants"),
}

DETAIL_FIELDS = {
    "learning.": {
        "modules": DetailField(_("modules")),
        "assignments": DetailField(_("modules ajoutés aux parcours")),
        "beneficiary": DetailField(_("dossier")),
        "with_card": DetailField(_("avec le code de la carte")),
        "role": DetailField(_("rôle"), Role.choices),
        "channel": DetailField(_("canal"), Channel.choices),
        "notification": DetailField(_("message n°")),
    },
}


def _groups(membership, ids):
    rows = (
        LearnerGroup.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .only("pk", "name")
    )
    return {
        str(row.pk): ObjectName(
            _("Groupe « %(name)s »") % {"name": row.name},
            page_url(membership, "modules:group", row.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [ObjectKind("learning.learnergroup", _("Groupe d'apprenants"), _groups)]
