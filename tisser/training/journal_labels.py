"""The training app's journal actions and objects in plain French (``core/journal_labels``).

Shared by the helpers of issue 15: each appends its own block.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind

ACTION_LABELS: dict = {}
DETAIL_FIELDS: dict = {}
OBJECT_KINDS: list = []

# --- Surveys (helper S) ---------------------------------------------------------------------
ACTION_LABELS.update(
    {
        "training.survey_invited_satisfaction": _("Questionnaire de satisfaction envoyé"),
        "training.survey_invited_outcome": _("Questions « six mois après » envoyées"),
        "training.survey_tablet_listed": _("Questionnaires à remplir sur la tablette consultés"),
        "training.survey_tablet_opened": _("Questionnaire ouvert sur la tablette de l'espace"),
    }
)
DETAIL_FIELDS.setdefault("training.", {}).update({"beneficiary": DetailField(_("dossier"))})
OBJECT_KINDS.append(ObjectKind("training.surveyinvitation", _("Invitation à un questionnaire")))
# --- end Surveys (helper S) -----------------------------------------------------------------
