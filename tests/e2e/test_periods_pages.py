"""Issue 8 (part B) pages in Chromium: axe-core (no serious or critical violation) and a
360 px wide phone, on the demo data: a file's accompaniment, its notes, closing a period,
transferring a referral, the late help requests, and the referrer's list."""

import pytest
from allauth.mfa.models import Authenticator

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.screen import assert_fits
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts import demo
from tisser.accounts.models import Site, User
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PHONE_WIDTH = 360


@pytest.fixture
def demo_data():
    seed_ci_demo()
    return {"site": Site.objects.get(name=demo.STRASBOURG_SITE)}


def signed_in(new_page, user, *, width=PHONE_WIDTH):
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
    )
    page = new_page(width=width, height=740)
    sign_in(page, user.email, demo.DEMO_PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def check(page, assert_accessible, path: str, heading: str) -> None:
    page.goto(path)
    assert heading in page.get_by_role("heading", level=1).inner_text()
    assert_fits(page, page.viewport_size["width"])
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


def test_the_site_managers_new_pages_pass_axe_on_a_phone(new_page, demo_data, assert_accessible):
    site = demo_data["site"]
    manager = User.objects.get(email="responsable@demo.tisser.fr")
    page = signed_in(new_page, manager)
    period = AccompanimentPeriod.objects.open().filter(beneficiary__site=site).first()
    file_url = period.beneficiary.get_absolute_url()
    check(page, assert_accessible, file_url, period.beneficiary.first_name)
    assert page.get_by_role("heading", name="Accompagnement").is_visible()
    check(page, assert_accessible, f"{file_url}notes/", "Notes de l'équipe")
    # A form sent with an error keeps the page accessible (the error is tied to its field).
    page.get_by_role("button", name="Enregistrer la note").click()
    page.wait_for_load_state()
    assert_accessible(page)
    check(page, assert_accessible, f"{file_url}accompagnement/terminer/", "Terminer")
    page.get_by_role("button", name="Terminer l'accompagnement").click()
    page.wait_for_load_state()
    assert "Choisissez un motif" in page.content()
    assert_accessible(page)
    check(page, assert_accessible, "/espace-pro/orientations/demandes-d-aide-en-retard/", "retard")
    waiting = Referral.objects.filter(site=site, status=ReferralStatus.SUBMITTED).first()
    if waiting is not None:
        check(
            page,
            assert_accessible,
            f"/espace-pro/orientations/{waiting.pk}/transferer/",
            "Transférer",
        )


def test_the_referrers_list_with_attendance_passes_axe(new_page, demo_data, assert_accessible):
    referrer = User.objects.get(email="prescripteur@demo.tisser.fr")
    page = signed_in(new_page, referrer, width=1280)
    check(page, assert_accessible, "/espace-pro/orientations/mes-orientations/", "orientations")
    assert "Venue de la personne" in page.content()
