"""The demo seeded on a working day: Strasbourg (the demo logins' space) has appointments
today and tomorrow, relative to the demo's clock."""

import datetime

import pytest
from django.utils import timezone

from tisser.accounts import demo as accounts_demo
from tisser.accounts.models import Closure, Site
from tisser.core import clock
from tisser.core.holidays import holiday_name
from tisser.demo import seeding
from tisser.demo.profiles import CI
from tisser.referrals.models import Appointment

pytestmark = pytest.mark.django_db


def next_open_weekday() -> datetime.datetime:
    """11:00 in Paris on the next Tuesday to Friday that is no holiday in Strasbourg."""
    day = timezone.localdate() + datetime.timedelta(days=1)
    while (
        day.weekday() not in (1, 2, 3)
        or holiday_name(day, postal_code="67000")
        or (holiday_name(day + datetime.timedelta(days=1), postal_code="67000"))
    ):
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 0)))


def test_strasbourg_has_appointments_today_and_tomorrow_relative_to_the_demo_clock(db):
    now = next_open_weekday()
    with clock.frozen_at(now):
        seeding.seed(CI, referrals=4)
        site = Site.objects.get(name=accounts_demo.STRASBOURG_SITE)
        today = timezone.localdate(now)
        for offset in (0, 1):
            day = today + datetime.timedelta(days=offset)
            on_day = Appointment.objects.filter(site=site, starts_at__date=day)
            assert on_day.count() >= 3, day
            assert on_day.filter(walk_in_name__gt="").exists()
        # This morning's are marked, but one left for the team; the afternoon's are planned.
        past = Appointment.objects.filter(site=site, starts_at__date=today, ends_at__lt=now)
        if past.count() > 1:
            assert past.filter(status="planned").count() == 1
        assert not Closure.objects.filter(
            site=site, starts_on__lte=today + datetime.timedelta(days=1), ends_on__gte=today
        ).exists()
