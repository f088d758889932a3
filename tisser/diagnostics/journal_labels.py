"""The diagnostics app's journal actions and objects in plain French (``core/journal_labels``).

A diagnostic is named by the file it belongs to (its number, never the person's name) and
opens its results page for whoever may read that file.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.diagnostics.enums import DiagnosticKind
from tisser.diagnostics.models import Diagnostic

ACTION_LABELS = {
    # Results of a finished sitting (results_views).
    "diagnostic.results_viewed": _("Résultats d'un diagnostic consultés"),
    "diagnostic.results_printed": _("Résultats d'un diagnostic imprimés"),
}

DETAIL_FIELDS = {
    "diagnostic.": {
        "file_number": DetailField(_("dossier n°")),
        "kind": DetailField(_("type"), DiagnosticKind.choices),
    },
}


def _diagnostics(membership, ids):
    rows = (
        Diagnostic.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "kind", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("%(kind)s du dossier n° %(number)s")
            % {"kind": row.get_kind_display(), "number": row.beneficiary.file_number},
            page_url(membership, "diagnostics:results", row.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [ObjectKind("diagnostics.diagnostic", _("Diagnostic"), _diagnostics)]
