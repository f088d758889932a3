"""What the training app does when lower apps (or its own services) announce something
(``tisser.core.hooks``). Shared by the helpers of issue 15: each appends its own block."""

from tisser.core import hooks

# --- Surveys (helper S) ---------------------------------------------------------------------
from tisser.training.survey_services import survey_invite_cohort, survey_invite_period


@hooks.subscribe("period.closed")
def invite_to_the_period_survey(*, actor, period):
    """The satisfaction survey at the close of any accompaniment period (the message leaves
    after the commit; the idle job's closures get none)."""
    survey_invite_period(period=period, actor=actor)


@hooks.subscribe("cohort.closed")
def invite_the_cohort_to_the_survey(*, actor, cohort):
    """The satisfaction survey for every enrolled person when a cohort's programme ends."""
    survey_invite_cohort(cohort=cohort, actor=actor)


# --- end Surveys (helper S) -----------------------------------------------------------------


# --- Figures and anonymisation (issue 16, decision 0055) -----------------------------------
from django.utils import timezone  # noqa: E402

from tisser.core import stale_figures  # noqa: E402
from tisser.training.models import (  # noqa: E402
    Attendance,
    Enrolment,
    SurveyResponse,
    WorkshopRegistration,
)

# What a workshop seat of an anonymised person shows instead of their first name.
ANONYMOUS_FIRST_NAME = "Anonyme"


@hooks.subscribe("beneficiary.merged")
def mark_training_of_merged_files(*, kept, duplicate, **_payload) -> None:
    """The people counted in either file's cohorts (their first and closing days, the days
    of their sessions) and on the days of their answers change."""
    files = [kept.pk, duplicate.pk]
    site_days = set()
    for site_id, starts_on, closed_on in Enrolment.objects.filter(
        beneficiary_id__in=files
    ).values_list("cohort__site_id", "cohort__starts_on", "cohort__closed_on"):
        site_days.update({(site_id, starts_on), (site_id, closed_on)})
    for site_id, starts_at in Attendance.objects.filter(
        enrolment__beneficiary_id__in=files
    ).values_list("session__cohort__site_id", "session__starts_at"):
        site_days.add((site_id, timezone.localdate(starts_at)))
    site_days.update(
        SurveyResponse.objects.filter(beneficiary_id__in=files).values_list(
            "site_id", "answered_on"
        )
    )
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.TRAINING)


@hooks.subscribe("beneficiary.anonymised")
def erase_training_free_text(*, file_ids, **_payload) -> None:
    """The drop-out notes and the workshop seats' copies of the first name and phone:
    erased. Enrolments, attendance, answers and certificates stay (the figures)."""
    Enrolment.objects.filter(beneficiary_id__in=file_ids).exclude(drop_note="").update(drop_note="")
    WorkshopRegistration.objects.filter(beneficiary_id__in=file_ids).update(
        first_name=ANONYMOUS_FIRST_NAME, phone=""
    )


# --- end Figures and anonymisation ----------------------------------------------------------
