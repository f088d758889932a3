"""Issue 8's acceptance on a phone: a mediator records the accompaniment of today's
appointment in at most 8 taps on a 360×740 screen, and axe-core finds no serious or critical
violation on the activity list and the activity form."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.activities.factories import ActivityFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.e2e.screen import assert_fits
from tests.e2e.test_acceptance import current_totp, sign_in
from tests.referrals.factories import AppointmentFactory
from tisser.accounts.enums import Role
from tisser.activities.models import Activity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "un mot de passe de test assez long"
MAX_TAPS = 8
PHONE = {"width": 360, "height": 740}


class Taps:
    """Counts every tap the mediator makes (a click on a phone)."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.click()
        self.count += 1


@pytest.fixture
def morning():
    network = NetworkFactory(name="Réseau e2e")
    site = SiteFactory(network=network, name="Espace Gare")
    mediator = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    mediator.user.set_password(PASSWORD)
    mediator.user.save()
    Authenticator.objects.create(
        user=mediator.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    person = BeneficiaryFactory(site=site, first_name="Awa", last_name="Diallo")
    now = timezone.localtime()
    appointment = AppointmentFactory(
        site=site, starts_at=now.replace(hour=9, minute=30, second=0, microsecond=0)
    )
    appointment.referral.beneficiary = person
    appointment.referral.save()
    # Earlier records: the list has rows, and the mediator has recent themes.
    for days in range(3):
        ActivityFactory(
            site=site,
            mediator=mediator.user,
            date=now.date() - datetime.timedelta(days=days + 1),
            themes=["aide_aux_demarches_administratives"] if days else ["email"],
            operator="" if not days else "caf",
        )
    return {"mediator": mediator, "person": person, "appointment": appointment}


def _signed_in_phone(new_page, mediator):
    page = new_page(**PHONE)
    sign_in(page, mediator.user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def _fits_the_screen(page):
    assert_fits(page, PHONE["width"])


def test_a_mediator_records_todays_appointment_in_few_taps(new_page, morning, assert_accessible):
    page = _signed_in_phone(new_page, morning["mediator"])
    tap = Taps()

    # From the staff home: the navigation, today's appointment, one theme, save.
    tap(page.get_by_role("link", name="Activités", exact=True))
    page.wait_for_url("**/espace-pro/activites/")
    _fits_the_screen(page)
    assert_accessible(page)
    tap(page.get_by_role("link", name="Awa Diallo", exact=False))
    page.wait_for_url("**/espace-pro/activites/nouvelle/?rendez_vous=*")
    assert page.get_by_text("Pour Awa Diallo").is_visible()
    _fits_the_screen(page)
    assert_accessible(page)
    # Recent themes come first and are in reach; the chip is a big target.
    chip = page.locator("label").filter(has_text="E-mail").first
    box = chip.bounding_box()
    assert box["height"] >= 44, box
    tap(chip)
    tap(page.get_by_role("button", name="Enregistrer"))
    page.wait_for_url("**/espace-pro/activites/")

    assert tap.count <= MAX_TAPS, tap.count
    activity = Activity.objects.get(appointment=morning["appointment"])
    assert activity.themes == ["email"]
    assert activity.date == timezone.localdate()
    assert list(activity.participations.values_list("beneficiary", flat=True)) == [
        morning["person"].pk
    ]
    assert page.get_by_text("L'activité est enregistrée.").is_visible()
    assert not page.watcher.problems, page.watcher.problems
    print(f"\nTaps from the staff home to a saved record: {tap.count} (at most {MAX_TAPS})")


def test_the_form_with_errors_stays_accessible(new_page, morning, assert_accessible):
    page = _signed_in_phone(new_page, morning["mediator"])
    page.goto("/espace-pro/activites/nouvelle/")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "Choisissez au moins une thématique." in summary.inner_text()
    _fits_the_screen(page)
    assert_accessible(page)
    assert not Activity.objects.filter(appointment__isnull=False).exists()
