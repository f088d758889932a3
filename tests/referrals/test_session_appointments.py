"""A programme session's appointment (kind ``session``): outside the site's individual
booking capacity, without the appointment reminder, booked and cancelled through the
referral's history by the site team only."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.referrals.factories import AppointmentFactory
from tisser.core.errors import DomainError
from tisser.notifications.models import Notification
from tisser.referrals import booking, transitions
from tisser.referrals.enums import AppointmentKind, AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent
from tisser.referrals.reminders import send_appointment_reminders

PARIS = ZoneInfo("Europe/Paris")
EVENING = datetime.datetime(2027, 3, 22, 17, 0, tzinfo=PARIS)
TOMORROW_10 = datetime.datetime(2027, 3, 23, 10, 0, tzinfo=PARIS)

pytestmark = pytest.mark.django_db


def test_session_appointments_hold_no_place_in_the_individual_capacity(site):
    site.appointment_capacity = 1
    site.save(update_fields=["appointment_capacity"])
    end = TOMORROW_10 + datetime.timedelta(hours=1)
    AppointmentFactory(site=site, starts_at=TOMORROW_10, kind=AppointmentKind.SESSION)
    AppointmentFactory(site=site, starts_at=TOMORROW_10, kind=AppointmentKind.SESSION)
    assert booking.overlapping(site, TOMORROW_10, end).count() == 0
    individual = AppointmentFactory(site=site, starts_at=TOMORROW_10, walk_in_name="Awa")
    assert list(booking.overlapping(site, TOMORROW_10, end)) == [individual]


def test_session_appointments_get_no_appointment_reminder(site, django_capture_on_commit_callbacks):
    session = AppointmentFactory(site=site, starts_at=TOMORROW_10, kind=AppointmentKind.SESSION)
    individual = AppointmentFactory(site=site, starts_at=TOMORROW_10)
    with django_capture_on_commit_callbacks(execute=False):
        summary = send_appointment_reminders(EVENING)
    assert summary == {"reminders": 1, "already_queued": 0}
    reminded = Notification.objects.filter(template="appointment_reminder_person")
    assert list(reminded.values_list("subject_id", flat=True)) == [individual.pk]
    assert session.pk not in reminded.values_list("subject_id", flat=True)


def _accepted(world):
    referral = world.referral(
        status=ReferralStatus.ACCEPTED,
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    AppointmentFactory(referral=referral)
    return referral


def test_booking_a_session_replaces_the_planned_appointment_in_the_history(world):
    referral = _accepted(world)
    start = timezone.now() + datetime.timedelta(days=200)  # beyond the booking horizon
    appointment = transitions.referral_book_session(
        actor=world.mediator,
        referral=referral,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        place="Salle 2",
        note="Inscrit au programme",
    )
    assert (appointment.kind, appointment.status) == ("session", "planned")
    statuses = set(Appointment.objects.filter(referral=referral).values_list("kind", "status"))
    assert statuses == {("individual", "rebooked"), ("session", "planned")}
    event = ReferralEvent.objects.filter(referral=referral).latest("pk")
    assert (event.from_status, event.to_status, event.note) == (
        "accepted",
        "accepted",
        "Inscrit au programme",
    )
    transitions.referral_cancel_session(actor=world.manager, referral=referral, note="Abandon")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_only_the_site_team_books_a_session_and_only_to_come(world):
    referral = _accepted(world)
    start = timezone.now() + datetime.timedelta(days=3)
    for outsider in (world.volunteer, world.other_manager, world.referrer):
        with pytest.raises(DomainError):
            transitions.referral_book_session(
                actor=outsider,
                referral=referral,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                place="Salle 2",
            )
    with pytest.raises(DomainError, match="passée"):
        transitions.referral_book_session(
            actor=world.manager,
            referral=referral,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            ends_at=timezone.now(),
            place="Salle 2",
        )
    assert not Appointment.objects.filter(referral=referral, kind="session").exists()
