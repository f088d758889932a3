"""Issue 8 (part C) in Chromium: the demo site manager sees today's appointments on the
home page and moves one ("Reporter"); axe-core checks the home and the agenda, and the
agenda fits a 360 px phone."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.screen import page_width
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts import demo
from tisser.accounts.models import Closure, Site, User
from tisser.core.holidays import holiday_name
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Appointment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def manager_page(new_page):
    """The demo network, and its Strasbourg site manager signed in with a second factor."""
    from allauth.mfa.models import Authenticator

    seed_ci_demo()
    manager = User.objects.get(email="responsable@demo.tisser.fr")
    Authenticator.objects.create(
        user=manager, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )

    def open_page(**size):
        page = new_page(**size)
        sign_in(page, manager.email, demo.DEMO_PASSWORD)
        page.wait_for_url("**/compte/2fa/authenticate/")
        page.locator("#id_code").fill(current_totp(TOTP_SECRET))
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url("**/espace-pro/")
        return page

    return open_page


def open_day_ahead(site: Site) -> datetime.date:
    """The next Tuesday to Friday, a week or so ahead, when the space is open."""
    day = timezone.localdate() + datetime.timedelta(days=7)
    while (
        day.weekday() not in (1, 2, 3, 4)
        or holiday_name(day, postal_code=site.postal_code)
        or Closure.objects.filter(site=site, starts_on__lte=day, ends_on__gte=day).exists()
    ):
        day += datetime.timedelta(days=1)
    return day


def today_appointment(site: Site) -> Appointment:
    """A walk-in expected today (whatever today is: the test runs on any day)."""
    starts_at = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(12, 0))
    )
    manager = User.objects.get(email="responsable@demo.tisser.fr")
    return Appointment.objects.create(
        site=site,
        walk_in_name="Zoé",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        mediator=manager,
        reason="Créer une adresse e-mail",
    )


def test_site_manager_sees_today_and_moves_an_appointment(manager_page, assert_accessible):
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    appointment = today_appointment(site)
    page = manager_page()

    today = page.locator("section", has=page.get_by_role("heading", name="Aujourd'hui"))
    card = today.locator("li.appointment", has_text="Zoé")
    assert card.is_visible()
    assert "Créer une adresse e-mail" in card.inner_text()
    page.screenshot(path="/tmp/tisser-home-day.png", full_page=True)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems

    card.get_by_role("link", name="Reporter : Zoé").click()
    page.wait_for_url(f"**/espace-pro/rendez-vous/{appointment.pk}/reporter/**")
    assert_accessible(page)
    day = open_day_ahead(site)
    page.get_by_label("Date :", exact=True).fill(day.isoformat())
    page.get_by_label("Heure :", exact=True).fill("10:00")
    page.get_by_role("button", name="Reporter à cette date").click()
    page.wait_for_url("**/espace-pro/")
    assert page.get_by_text("Le rendez-vous de Zoé est reporté au").is_visible()

    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REBOOKED
    moved = Appointment.objects.get(site=site, walk_in_name="Zoé", status="planned")
    local = timezone.localtime(moved.starts_at)
    assert (local.date(), local.hour, local.minute) == (day, 10, 0)


def test_the_agenda_passes_axe_and_fits_a_phone(manager_page, assert_accessible):
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    today_appointment(site)
    page = manager_page(width=360, height=740)
    page.goto("/espace-pro/agenda/?vue=week")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Agenda de la semaine")
    assert page.get_by_text("Zoé").first.is_visible()
    page.screenshot(path="/tmp/tisser-agenda-360.png", full_page=True)
    assert_accessible(page)
    assert page_width(page) <= 360
    page.get_by_role("link", name="Semaine suivante").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
