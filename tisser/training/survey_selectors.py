"""Reads of the surveys (helper S, issue 15): the satisfaction rate, the outcome shares, the
open invitations of a site (the tablet) and of a learner (their home).

Every staff selector takes the acting membership and reads through ``visible_to``: no
membership is nothing. The figures take the same filters as the programme dashboard:
``sites`` (ids or sites), ``programme``, ``cohort``, and ``since`` / ``until`` (the day
answered, both included).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from tisser.core import clock
from tisser.training.enums import SurveyKind
from tisser.training.models import SurveyInvitation, SurveyResponse
from tisser.training.outcomes import outcome_counts
from tisser.training.surveys import satisfaction_counts


def responses_for(
    *,
    membership,
    sites=None,
    programme=None,
    cohort=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[SurveyResponse]:
    """The responses the member may count, filtered for a figure."""
    rows = SurveyResponse.objects.visible_to(membership)
    if sites is not None:
        rows = rows.filter(site__in=list(sites))
    if programme is not None:
        rows = rows.filter(programme=programme)
    if cohort is not None:
        rows = rows.filter(cohort=cohort)
    if since is not None:
        rows = rows.filter(answered_on__gte=since)
    if until is not None:
        rows = rows.filter(answered_on__lte=until)
    return rows


def satisfaction_rate(
    *,
    membership,
    sites=None,
    programme=None,
    cohort=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> dict:
    """``{"answers", "satisfied", "rate"}``: the share of « satisfait » and « très
    satisfait » on the overall question over the answers given (``rate`` None when none)."""
    return satisfaction_counts(
        responses_for(
            membership=membership,
            sites=sites,
            programme=programme,
            cohort=cohort,
            since=since,
            until=until,
        )
    )


def outcome_shares(
    *,
    membership,
    sites=None,
    programme=None,
    cohort=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> dict:
    """The three outcome shares six months later (see ``outcomes.outcome_counts``)."""
    return outcome_counts(
        responses_for(
            membership=membership,
            sites=sites,
            programme=programme,
            cohort=cohort,
            since=since,
            until=until,
        )
    )


def tablet_invitations(*, membership) -> QuerySet[SurveyInvitation]:
    """The open satisfaction invitations of the member's site, for the space's tablet: the
    person's first name and what the survey is about. One query per page."""
    return (
        SurveyInvitation.objects.visible_to(membership)
        .filter(
            kind=SurveyKind.SATISFACTION,
            used_at__isnull=True,
            expires_at__gt=clock.now(),
            beneficiary__merged_into__isnull=True,
        )
        .select_related("beneficiary", "enrolment__cohort", "site")
        .order_by("beneficiary__first_name", "pk")
    )


def learner_invitations(*, learner) -> QuerySet[SurveyInvitation]:
    """The signed-in learner's own open invitations (either kind), newest first."""
    return (
        SurveyInvitation.objects.filter(
            beneficiary=learner, used_at__isnull=True, expires_at__gt=clock.now()
        )
        .select_related("enrolment__cohort")
        .order_by("-created_at", "-pk")
    )
