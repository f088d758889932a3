"""Daily upkeep of the referral lifecycle: expiry and reminders.

- a referral sent and left without an answer 30 days after ``submitted_at`` expires
  (the referrer is told);
- an accepted referral whose latest appointment (planned or missed) is 30 days past with no
  visit recorded expires (the referrer is told);
- while a referral waits for an answer, its site team is reminded every 10 days
  (``last_reminder_at``).

Each referral goes through its service (locked row, rules checked again, history row,
journal, messages under deterministic keys), so running it twice for the same moment changes
nothing the second time. It runs as the periodic job ``referrals.housekeeping``
(tisser/referrals/jobs.py) and from ``manage.py referrals_housekeeping``.
"""

from datetime import datetime, timedelta

from django.db.models import Max, Q

from tisser.core.errors import DomainError
from tisser.referrals.enums import (
    ANSWER_DELAY_DAYS,
    NO_SHOW_DELAY_DAYS,
    REMINDER_EVERY_DAYS,
    AppointmentStatus,
    ReferralStatus,
)
from tisser.referrals.models import Referral
from tisser.referrals.services import referral_remind_site
from tisser.referrals.transitions import referral_expire


def expiry_candidates(now: datetime) -> list[int]:
    """Ids of the referrals whose delay is over (the service checks each one again)."""
    unanswered = Referral.objects.filter(
        status=ReferralStatus.SUBMITTED,
        submitted_at__lte=now - timedelta(days=ANSWER_DELAY_DAYS),
    ).values_list("pk", flat=True)
    missed = (
        Referral.objects.filter(status=ReferralStatus.ACCEPTED)
        .annotate(
            latest=Max(
                "appointments__starts_at",
                filter=Q(
                    appointments__status__in=[
                        AppointmentStatus.PLANNED,
                        AppointmentStatus.NO_SHOW,
                    ]
                ),
            )
        )
        .filter(latest__lte=now - timedelta(days=NO_SHOW_DELAY_DAYS))
        .values_list("pk", flat=True)
    )
    return sorted({*unanswered, *missed})


def reminder_candidates(now: datetime) -> list[int]:
    """Ids of the referrals waiting between 10 and 30 days (the service says which are due)."""
    return list(
        Referral.objects.filter(
            status=ReferralStatus.SUBMITTED,
            submitted_at__lte=now - timedelta(days=REMINDER_EVERY_DAYS),
            submitted_at__gt=now - timedelta(days=ANSWER_DELAY_DAYS),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def run_housekeeping(now: datetime) -> dict[str, int]:
    """Expire what is overdue, then remind the sites; returns the counts."""
    counts = {"expired": 0, "reminded": 0, "skipped": 0}
    for pk in expiry_candidates(now):
        try:
            referral_expire(referral=Referral(pk=pk), now=now)
        except DomainError:
            counts["skipped"] += 1  # answered or moved in the meantime
        else:
            counts["expired"] += 1
    for pk in reminder_candidates(now):
        if referral_remind_site(referral=Referral(pk=pk), now=now):
            counts["reminded"] += 1
    return counts
