"""Timeline provider of the training app (tisser/core/timeline.py).

Shared by the helpers of issue 15: each appends its own block and adds its events to
``timeline_events``.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core.timeline import TimelineEvent
from tisser.training.enums import SurveyKind
from tisser.training.models import SurveyInvitation, SurveyResponse
from tisser.training.surveys import SMILEYS


def timeline_events(beneficiary) -> list[TimelineEvent]:
    return [*survey_events(beneficiary)]


# --- Surveys (helper S) ---------------------------------------------------------------------


def survey_events(beneficiary) -> list[TimelineEvent]:
    """« Questionnaire de satisfaction envoyé », and « … rempli » for an answer given with
    the person's name only: an anonymous answer shows nothing, neither its content nor that
    it is this person's. Two queries per file."""
    sent_titles = {
        SurveyKind.SATISFACTION: _("Questionnaire de satisfaction envoyé"),
        SurveyKind.OUTCOME: _("Questions « six mois après » envoyées"),
    }
    done_titles = {
        SurveyKind.SATISFACTION: _("Questionnaire de satisfaction rempli"),
        SurveyKind.OUTCOME: _("Questions « six mois après » remplies"),
    }
    overall = {choice.value: str(choice.label) for choice in SMILEYS}
    events = [
        TimelineEvent(at=row.sent_at, kind="training.survey_sent", title=sent_titles[row.kind])
        for row in SurveyInvitation.objects.filter(beneficiary=beneficiary, sent_at__isnull=False)
        .only("kind", "sent_at")
        .order_by()
    ]
    for row in (
        SurveyResponse.objects.filter(beneficiary=beneficiary)
        .only("kind", "answered_on", "overall")
        .order_by()
    ):
        detail = ""
        if row.overall is not None:
            detail = _("Avis d'ensemble : %(label)s") % {"label": overall.get(row.overall, "")}
        events.append(
            TimelineEvent(
                at=timezone.make_aware(datetime.datetime.combine(row.answered_on, datetime.time())),
                kind="training.survey_answered",
                title=done_titles[row.kind],
                detail=detail,
            )
        )
    return events


# --- end Surveys (helper S) -----------------------------------------------------------------
