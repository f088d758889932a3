"""The demo's agenda: appointments that fit the opening hours, closures, and a team with
appointments today and tomorrow at Strasbourg (the demo logins' space)."""

import pytest

from tisser.accounts.models import Closure, Site
from tisser.accounts.opening import closed_message
from tisser.core import clock
from tisser.referrals.booking import BUSY_STATUSES, overlapping
from tisser.referrals.models import Appointment

pytestmark = pytest.mark.django_db


def test_every_demo_appointment_fits_the_hours_and_the_capacity(demo_ci):
    appointments = list(Appointment.objects.select_related("site"))
    assert len(appointments) > 20
    sites = {site.pk: site for site in Site.objects.prefetch_related("opening_hours")}
    for appointment in appointments:
        site = sites[appointment.site_id]
        assert closed_message(site, appointment.starts_at, appointment.ends_at) is None
        if appointment.status in BUSY_STATUSES:
            assert (
                overlapping(site, appointment.starts_at, appointment.ends_at).count()
                <= site.appointment_capacity
            )


def test_every_demo_space_has_an_upcoming_closure_and_some_had_holidays(demo_ci):
    today = clock.localdate()
    for site in Site.objects.all():
        assert Closure.objects.filter(site=site, starts_on__gt=today).exists(), site.name
    assert Closure.objects.filter(ends_on__lt=today).exists()
