"""The demo's periods, notes, transferred referrals and help requests (issue 8, part B),
read from the shared ``ci`` demo."""

import pytest
from django.utils import timezone

from tisser.beneficiaries.enums import PeriodCloseReason, PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, FileNote
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.referrals.enums import ReferralSource, ReferralStatus
from tisser.referrals.models import Referral, ReferralEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_open_and_closed_periods_of_both_origins(demo_ci):
    periods = AccompanimentPeriod.objects.all()
    assert periods.open().exists()
    assert periods.filter(closed_on__isnull=False).exists()
    assert {PeriodOpening.REFERRAL, PeriodOpening.FIRST_VISIT} <= set(
        periods.values_list("opened_by", flat=True)
    )
    closed = periods.filter(closed_on__isnull=False)
    assert PeriodCloseReason.AUTONOMOUS in set(closed.values_list("close_reason", flat=True))
    assert all(p.closed_on >= p.opened_on for p in closed)
    assert all(p.closed_on <= timezone.localdate() for p in closed)
    # Everyone who came has had a period; a consumed referral's file has one it opened.
    assert not Beneficiary.objects.active().filter(periods__isnull=True).exists()
    consumed = Referral.objects.filter(status=ReferralStatus.CONSUMED).values_list("pk", flat=True)
    assert set(consumed) <= set(periods.values_list("opening_referral_id", flat=True)) | {None}


def test_the_demo_has_team_notes_journaled(demo_ci):
    notes = FileNote.objects.select_related("beneficiary")
    assert notes.exists()
    assert JournalEntry.objects.filter(action="note.created").count() == notes.count()


def test_the_demo_has_a_transferred_referral(demo_ci):
    transfers = ReferralEvent.objects.filter(
        from_status=ReferralStatus.SUBMITTED, to_status=ReferralStatus.SUBMITTED
    )
    assert transfers.exists()
    assert "Transféré de" in transfers.first().note
    assert Notification.objects.filter(template="referral_transferred_referrer").exists()


def test_the_demo_has_help_requests_in_site_queues_one_late(demo_ci):
    waiting = Referral.objects.filter(
        source=ReferralSource.PUBLIC_REQUEST, status=ReferralStatus.SUBMITTED
    )
    assert waiting.exists()
    assert all(r.reply_due_on is not None for r in waiting)
    assert not Referral.objects.filter(
        source=ReferralSource.PUBLIC_REQUEST, status=ReferralStatus.MODERATION_PENDING
    ).exists()
    late = waiting.filter(reply_due_on__lt=timezone.localdate())
    assert late.exists()
    assert all(r.overdue_reminder_at is not None for r in late)
    assert Notification.objects.filter(template="help_request_overdue_site").count() == late.count()
