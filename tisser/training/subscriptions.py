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
