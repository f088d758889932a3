"""The reporting app's journal actions and objects in plain French (see ``core/journal_labels``).

EXPORTS block (issue 16): figures from before Tisser, PDF reports. Other helpers append
their own blocks.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.reporting.enums import ReportKind
from tisser.reporting.historic import HISTORIC_INDICATORS
from tisser.reporting.models import HistoricFigure, ReportRequest

# --- EXPORTS: figures from before Tisser, PDF reports --------------------------------------

ACTION_LABELS = {
    "historic_figure.created": _("Chiffre d'avant Tisser ajouté"),
    "historic_figure.updated": _("Chiffre d'avant Tisser modifié"),
    "historic_figure.deleted": _("Chiffre d'avant Tisser supprimé"),
    "report.requested": _("Rapport PDF demandé"),
    "report.downloaded": _("Rapport PDF téléchargé"),
}

DETAIL_FIELDS = {
    "historic_figure.": {
        "year": DetailField(_("année")),
        "indicator": DetailField(_("indicateur"), list(HISTORIC_INDICATORS.items())),
        "value": DetailField(_("valeur")),
    },
    "report.": {
        "kind": DetailField(_("type"), ReportKind.choices),
    },
}


def _historic_figures(membership, ids):
    rows = (
        HistoricFigure.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("site")
    )
    return {
        str(row.pk): ObjectName(
            f"{HISTORIC_INDICATORS.get(row.indicator, row.indicator)} {row.year} — {row.site.name}",
            page_url(membership, "reporting:historic_edit", row.pk),
        )
        for row in rows
    }


def _reports(membership, ids):
    rows = ReportRequest.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).defer("pdf")
    return {str(row.pk): ObjectName(f"{row.get_kind_display()} n° {row.pk}") for row in rows}


OBJECT_KINDS = [
    ObjectKind("reporting.historicfigure", _("Chiffre d'avant Tisser"), _historic_figures),
    ObjectKind("reporting.reportrequest", _("Rapport PDF"), _reports),
]
