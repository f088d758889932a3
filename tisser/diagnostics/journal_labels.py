"""The diagnostics app's journal actions and objects in plain French (``core/journal_labels``).

Only what staff do is journaled (starting a sitting with a person, entering answers or the
context, stopping it); a learner's own answers are not (decisions 0044 and 0052). A sitting
is named by its file's number and opens its results when it is finished, else the file, for
whoever may read it. Reading or printing the results is journaled too (results_views).
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode
from tisser.diagnostics.models import Diagnostic

ACTION_LABELS = {
    "diagnostic.started": _("Diagnostic commencé avec la personne"),
    "diagnostic.answer_entered": _("Réponse au diagnostic saisie par l'équipe"),
    "diagnostic.context_saved": _("Questions de contexte du diagnostic saisies"),
    "diagnostic.finished": _("Diagnostic terminé avec la personne"),
    "diagnostic.abandoned": _("Diagnostic arrêté"),
    "diagnostic.paper_entered": _("Réponses d'un diagnostic sur papier saisies"),
    "diagnostic.viewed": _("Diagnostic consulté par l'équipe"),
    "diagnostic.correction_printed": _("Corrigé d'un diagnostic sur papier imprimé (équipe)"),
    "diagnostic.file_viewed": _("Diagnostics d'un dossier consultés"),
    # Results of a finished sitting (results_views).
    "diagnostic.results_viewed": _("Résultats d'un diagnostic consultés"),
    "diagnostic.results_printed": _("Résultats d'un diagnostic imprimés pour la personne"),
}

DETAIL_FIELDS = {
    "diagnostic.": {
        "kind": DetailField(_("type"), DiagnosticKind.choices),
        "mode": DetailField(_("passation"), DiagnosticMode.choices),
        "items": DetailField(_("questions posées")),
        "item": DetailField(_("question")),
        "dont_know": DetailField(_("« Je ne sais pas »")),
        "beneficiary": DetailField(_("dossier")),
        "role": DetailField(_("rôle"), Role.choices),
        "right": DetailField(_("justes")),
        "wrong": DetailField(_("pas justes")),
        "not_done": DetailField(_("non faites")),
        "after_stop": DetailField(_("après l'arrêt du domaine (non comptées)")),
        "file_number": DetailField(_("dossier n°")),
    },
}


def _diagnostics(membership, ids):
    rows = (
        Diagnostic.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "kind", "status", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("%(kind)s du dossier n° %(number)s")
            % {"kind": row.get_kind_display(), "number": row.beneficiary.file_number},
            page_url(membership, "diagnostics:results", row.pk)
            if row.is_finished
            else page_url(membership, "beneficiaries:detail", row.beneficiary.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [ObjectKind("diagnostics.diagnostic", _("Diagnostic"), _diagnostics)]
