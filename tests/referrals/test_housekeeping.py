"""``manage.py referrals_housekeeping``: expiry and reminders, idempotent."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from tests.referrals.actions import S, perform, prepare
from tests.referrals.factories import AppointmentFactory
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Referral, ReferralEvent

DAY = datetime.timedelta(days=1)


def run(now):
    out = StringIO()
    call_command("referrals_housekeeping", now=now.isoformat(), stdout=out)
    return out.getvalue()


def everything():
    return {
        "referrals": [
            model_to_dict(r) | {"u": r.updated_at} for r in Referral.objects.order_by("pk")
        ],
        "events": ReferralEvent.objects.count(),
        "journal": JournalEntry.objects.count(),
        "notifications": sorted(Notification.objects.values_list("event_key", flat=True)),
    }


def keys(referral):
    return sorted(
        Notification.objects.about("referrals.referral", [referral.pk]).values_list(
            "event_key", flat=True
        )
    )


@pytest.fixture
def waiting(world):
    referral = prepare(world, S.SUBMITTED)
    return referral, referral.submitted_at


def test_reminders_every_ten_days_then_expiry(world, waiting):
    referral, sent = waiting

    run(sent + 9 * DAY)
    assert keys(referral) == []

    assert "1 rappel(s)" in run(sent + 10 * DAY)
    referral.refresh_from_db()
    assert referral.last_reminder_at == sent + 10 * DAY
    assert keys(referral) == [f"referral:{referral.pk}:reminder:1:site_team"]
    reminder = Notification.objects.about("referrals.referral", [referral.pk]).get()
    assert (reminder.template, reminder.recipient_kind) == ("referral_reminder_site", "site_team")
    assert JournalEntry.objects.filter(action="referral.reminded").count() == 1

    run(sent + 15 * DAY)
    run(sent + 20 * DAY)
    assert keys(referral) == [
        f"referral:{referral.pk}:reminder:1:site_team",
        f"referral:{referral.pk}:reminder:2:site_team",
    ]
    run(sent + 29 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED

    assert "1 bon(s) d'orientation expiré(s)" in run(sent + 30 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED
    last = referral.events.order_by("at", "pk").last()
    assert (last.from_status, last.to_status, last.actor) == (S.SUBMITTED, S.EXPIRED, None)
    assert f"referral:{referral.pk}:expired:referrer" in keys(referral)
    expired = Notification.objects.get(event_key=f"referral:{referral.pk}:expired:referrer")
    assert expired.template == "referral_expired_referrer"


@pytest.mark.parametrize("days", [10, 20, 30])
def test_running_twice_changes_nothing_the_second_time(world, waiting, days):
    _referral, sent = waiting
    accepted = prepare(world, S.ACCEPTED, submitted_at=sent)
    now = sent + days * DAY
    run(now)
    before = everything()
    out = run(now)
    assert everything() == before
    assert "0 bon(s) d'orientation expiré(s), 0 rappel(s)" in out
    # Later in the same day as well.
    run(now + datetime.timedelta(hours=5))
    assert everything() == before
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_a_late_run_sends_one_reminder_not_a_backlog(world, waiting):
    referral, sent = waiting
    run(sent + 25 * DAY)
    assert keys(referral) == [f"referral:{referral.pk}:reminder:2:site_team"]
    run(sent + 26 * DAY)
    assert len(keys(referral)) == 1


def test_an_answered_referral_is_neither_reminded_nor_expired(world, waiting):
    referral, sent = waiting
    perform(t.REJECT, world, referral)
    run(sent + 40 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.REJECTED
    assert keys(referral) == [f"referral:{referral.pk}:rejected:referrer"]


def test_referrals_in_moderation_or_drafts_are_left_alone(world):
    draft = prepare(world, S.DRAFT)
    pending = prepare(world, S.MODERATION_PENDING)
    before = everything()
    run(draft.created_at + 90 * DAY)
    assert everything() == before
    assert {draft.status, pending.status} == {S.DRAFT, S.MODERATION_PENDING}


def test_accepted_expires_thirty_days_after_the_appointment(world):
    referral = prepare(world, S.ACCEPTED)
    appointment = referral.appointments.get()
    run(appointment.starts_at + 29 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED

    run(appointment.starts_at + 30 * DAY)
    referral.refresh_from_db()
    appointment.refresh_from_db()
    assert referral.status == S.EXPIRED
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert keys(referral) == [f"referral:{referral.pk}:expired:referrer"]
    before = everything()
    run(appointment.starts_at + 30 * DAY)
    assert everything() == before


def test_a_new_appointment_restarts_the_no_show_delay(world):
    referral = prepare(world, S.ACCEPTED)
    first = referral.appointments.get()
    perform(t.MARK_NO_SHOW, world, referral)
    second = perform(
        t.REBOOK, world, referral, starts_at=first.starts_at + 20 * DAY, place="Salle 1"
    )
    run(first.starts_at + 31 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    run(second.starts_at + 30 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED
    statuses = dict(referral.appointments.values_list("pk", "status"))
    assert statuses == {first.pk: AppointmentStatus.NO_SHOW, second.pk: AppointmentStatus.NO_SHOW}


def test_an_accepted_referral_after_a_missed_appointment_expires(world):
    referral = prepare(world, S.ACCEPTED)
    appointment = referral.appointments.get()
    perform(t.MARK_NO_SHOW, world, referral)
    run(appointment.starts_at + 30 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED


def test_consumed_referrals_never_expire(world):
    referral = prepare(world, S.CONSUMED)
    AppointmentFactory(
        referral=referral,
        status=AppointmentStatus.NO_SHOW,
        starts_at=referral.submitted_at + DAY,
    )
    before = everything()
    run(referral.submitted_at + 120 * DAY)
    assert everything() == before


def test_expiry_refuses_before_the_delay(world, waiting):
    referral, sent = waiting
    with pytest.raises(DomainError, match="délai"):
        t.referral_expire(referral=referral, now=sent + 29 * DAY)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_a_bad_now_is_a_clear_error(db):
    with pytest.raises(CommandError, match="date invalide"):
        call_command("referrals_housekeeping", now="demain")


def test_naive_now_is_read_in_the_local_time_zone(world, waiting):
    referral, sent = waiting
    local = timezone.localtime(sent + 31 * DAY).replace(tzinfo=None)
    call_command("referrals_housekeeping", now=local.isoformat(), stdout=StringIO())
    referral.refresh_from_db()
    assert referral.status == S.EXPIRED
