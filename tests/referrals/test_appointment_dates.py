"""Appointments: within a horizon (APPOINTMENT_HORIZON_DAYS), never in the past, and their
date written with the year whenever it is not the current one (messages and pages)."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.referrals.actions import S, prepare
from tests.referrals.factories import AppointmentFactory
from tisser.core.errors import DomainError
from tisser.core.holidays import holiday_name
from tisser.notifications import sms
from tisser.notifications.models import Notification
from tisser.notifications.tasks import send_notification
from tisser.referrals import transitions
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import ReferralEvent

WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def at(day: datetime.date, hour=14, minute=30) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def text(response) -> str:
    return html.unescape(response.content.decode())


def post_data(day: datetime.date) -> dict:
    return {"date": day.isoformat(), "time": "14:30", "place": "Salle 2, 1 rue de la Paix"}


def today() -> datetime.date:
    return timezone.localdate()


# --- the horizon ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["accept", "rebook"])
def test_the_service_refuses_an_appointment_beyond_the_horizon(world, settings, action):
    # About six months, ending on a day the (Strasbourg) site is not closed for a holiday.
    horizon = 183
    while holiday_name(today() + datetime.timedelta(days=horizon), postal_code="67000"):
        horizon += 1
    settings.APPOINTMENT_HORIZON_DAYS = horizon
    referral = prepare(world, S.SUBMITTED if action == "accept" else S.ACCEPTED)
    events = ReferralEvent.objects.count()
    service = transitions.referral_accept if action == "accept" else transitions.referral_rebook
    too_far = today() + datetime.timedelta(days=horizon + 1)

    with pytest.raises(DomainError) as refused:
        service(actor=world.manager, referral=referral, starts_at=at(too_far), place="Salle 2")

    latest = today() + datetime.timedelta(days=horizon)
    assert "trop lointaine" in refused.value.message
    assert str(latest.year) in refused.value.message
    assert ReferralEvent.objects.count() == events
    assert referral.appointments.filter(status=AppointmentStatus.PLANNED).count() == (
        0 if action == "accept" else 1
    )
    # The last day of the horizon is still accepted.
    service(actor=world.manager, referral=referral, starts_at=at(latest), place="Salle 2")


def test_the_horizon_comes_from_the_settings(world, settings):
    settings.APPOINTMENT_HORIZON_DAYS = 30
    referral = prepare(world, S.SUBMITTED)
    with pytest.raises(DomainError, match="trop lointaine"):
        transitions.referral_accept(
            actor=world.manager,
            referral=referral,
            starts_at=at(today() + datetime.timedelta(days=31)),
            place="Salle 2",
        )


def test_the_service_refuses_a_past_appointment_on_rebook(world):
    referral = prepare(world, S.ACCEPTED)
    with pytest.raises(DomainError, match="passée"):
        transitions.referral_rebook(
            actor=world.manager,
            referral=referral,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            place="Salle 2",
        )


@pytest.mark.parametrize("name", ["referrals:accept", "referrals:rebook"])
def test_the_form_says_in_french_how_far_ahead_and_changes_nothing(login, world, settings, name):
    settings.APPOINTMENT_HORIZON_DAYS = 183
    referral = prepare(world, S.SUBMITTED if name == "referrals:accept" else S.ACCEPTED)
    planned = list(referral.appointments.values_list("pk", "status"))
    client = login(world.manager)
    url = reverse(name, kwargs={"pk": referral.pk})

    page = text(client.get(url))
    latest = today() + datetime.timedelta(days=183)
    assert f'max="{latest.isoformat()}"' in page

    response = client.post(url, post_data(today() + datetime.timedelta(days=400)))

    assert response.status_code == 400
    assert "La date du rendez-vous est trop lointaine : choisissez une date au plus tard le" in (
        text(response)
    )
    referral.refresh_from_db()
    assert list(referral.appointments.values_list("pk", "status")) == planned


# --- the year in messages and pages ---------------------------------------------------------


def _next_year_day() -> datetime.date:
    return datetime.date(today().year + 1, 1, 5)


def test_the_sms_gives_the_year_of_an_appointment_next_year(world, settings):
    settings.APPOINTMENT_HORIZON_DAYS = 400  # 5 January next year is always within reach
    referral = prepare(world, S.SUBMITTED)
    day = _next_year_day()
    sms.outbox.clear()

    transitions.referral_accept(
        actor=world.manager, referral=referral, starts_at=at(day), place="Salle 2"
    )
    notification = Notification.objects.about("referrals.referral", [referral.pk]).get(
        template="referral_accepted_person"
    )
    send_notification.call(notification.pk)

    expected = f"le {WEEKDAYS[day.weekday()]} 5 janvier {day.year} à 14 h 30"
    assert expected in sms.outbox[-1].text


def test_the_referral_page_gives_the_year_only_when_it_is_not_this_year(login, world):
    this_year = prepare(world, S.ACCEPTED)
    this_year.appointments.update(starts_at=at(datetime.date(today().year, 1, 5)))
    next_year = prepare(world, S.SUBMITTED)
    day = _next_year_day()
    AppointmentFactory(referral=next_year, starts_at=at(day))
    client = login(world.manager)

    page = text(client.get(this_year.get_absolute_url()))
    weekday = WEEKDAYS[datetime.date(today().year, 1, 5).weekday()]
    assert f"{weekday} 5 janvier à 14 h 30" in page
    assert f"5 janvier {today().year}" not in page

    page = text(client.get(next_year.get_absolute_url()))
    assert f"{WEEKDAYS[day.weekday()]} 5 janvier {day.year} à 14 h 30" in page
