"""The staff area's own journal action in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField

ACTION_LABELS = {"journal.exported": _("Journal exporté")}

DETAIL_FIELDS = {
    "journal.exported": {
        "rows": DetailField(_("lignes")),
        "filters": DetailField(_("filtres")),
    }
}
