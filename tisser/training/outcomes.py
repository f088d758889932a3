"""Six months later: the outcome questions (helper S, issue 15).

``OUTCOME_AFTER_DAYS`` after a cohort's ``closed_on`` (for each enrolled person) or a
period's ``closed_on``, the daily job (``training.outcome_invitations``) sends an invitation
of kind ``outcome`` with a link to three questions: in a job or a training now? still using
digital tools alone? a procedure done alone since? Exactly one per enrolment or period (the
unique constraints; a second run finds it). Nobody is written to whose file was merged into
another, whose period the idle job closed, or whose address asked for no more messages
(``notifications.OptOut``, on the channel the message would take).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from tisser.beneficiaries.enums import ContactChannel
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.notifications.models import Channel, OptOut
from tisser.notifications.services import email_address, sms_address
from tisser.training.enums import OUTCOME_AFTER_DAYS, EnrolmentStatus, SurveyKind
from tisser.training.models import Enrolment, SurveyInvitation
from tisser.training.survey_services import (
    NO_SURVEY_REASONS,
    survey_invite_enrolment,
    survey_invite_period,
)
from tisser.training.surveys import OUTCOME_QUESTIONS, OUTCOME_YES, ratio

# A day the job did not run is caught up for this long; later, the moment has passed.
CATCH_UP_DAYS = 30


def _window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    latest = today - datetime.timedelta(days=OUTCOME_AFTER_DAYS)
    return latest - datetime.timedelta(days=CATCH_UP_DAYS), latest


def opted_out(beneficiary) -> bool:
    """Whether the message would go to an address that asked for no more messages, or to
    no address at all (the notifications' rules: the preferred written channel first)."""
    addresses = [
        (Channel.SMS, sms_address(beneficiary.phone)),
        (Channel.EMAIL, email_address(beneficiary.email)),
    ]
    if beneficiary.preferred_channel == ContactChannel.EMAIL:
        addresses.reverse()
    usable = [(channel, address) for channel, address in addresses if address]
    if not usable:
        return True
    channel, address = usable[0]
    return OptOut.objects.filter(channel=channel, address=address).exists()


def enrolments_due(today: datetime.date):
    first, last = _window(today)
    invited = SurveyInvitation.objects.filter(
        kind=SurveyKind.OUTCOME, enrolment__isnull=False
    ).values("enrolment")
    return (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ENROLLED,
            cohort__closed_on__gte=first,
            cohort__closed_on__lte=last,
            cohort__cancelled_at__isnull=True,
            beneficiary__merged_into__isnull=True,
        )
        .exclude(pk__in=invited)
        .select_related("beneficiary", "cohort__site")
        .order_by("pk")
    )


def periods_due(today: datetime.date):
    first, last = _window(today)
    invited = SurveyInvitation.objects.filter(kind=SurveyKind.OUTCOME, period__isnull=False).values(
        "period"
    )
    return (
        AccompanimentPeriod.objects.filter(
            closed_on__gte=first,
            closed_on__lte=last,
            beneficiary__merged_into__isnull=True,
        )
        .exclude(close_reason__in=NO_SURVEY_REASONS)
        .exclude(pk__in=invited)
        .select_related("beneficiary", "site")
        .order_by("pk")
    )


def send_outcome_invitations(now: datetime.datetime) -> dict[str, int]:
    """The daily job: one outcome invitation per enrolment or period due, once."""
    today = timezone.localdate(now)
    sent = skipped = 0
    for enrolment in enrolments_due(today):
        if opted_out(enrolment.beneficiary):
            skipped += 1
            continue
        if survey_invite_enrolment(enrolment=enrolment, kind=SurveyKind.OUTCOME):
            sent += 1
    for period in periods_due(today):
        if opted_out(period.beneficiary):
            skipped += 1
            continue
        if survey_invite_period(period=period, kind=SurveyKind.OUTCOME):
            sent += 1
    return {"invitations": sent, "not_reachable": skipped}


def outcome_counts(responses) -> dict:
    """The three outcome shares of a queryset of responses, in one query: for each question,
    ``<code>_answers``, ``<code>_yes`` and ``<code>_rate`` (None when nobody answered it);
    ``responses`` is the number of outcome responses."""
    aggregates = {"responses": Count("pk")}
    for question in OUTCOME_QUESTIONS:
        path = f"answers__{question.code}"
        aggregates[f"{question.code}_answers"] = Count("pk", filter=Q(**{f"{path}__isnull": False}))
        aggregates[f"{question.code}_yes"] = Count(
            "pk", filter=Q(**{f"{path}__in": OUTCOME_YES[question.code]})
        )
    counts = responses.filter(kind=SurveyKind.OUTCOME).aggregate(**aggregates)
    for question in OUTCOME_QUESTIONS:
        counts[f"{question.code}_rate"] = ratio(
            counts[f"{question.code}_yes"], counts[f"{question.code}_answers"]
        )
    return counts
