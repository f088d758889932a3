"""Issue 9 part D in Chromium: a partner prints the summary of a bon (a one-page PDF), the
lists fit a 360 px phone (tables turn into cards), and a form with errors starts at its
error summary. axe-core checks every page visited (no serious or critical violation)."""

import io

import pytest
from allauth.mfa.models import Authenticator
from pypdf import PdfReader

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.screen import assert_fits
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts import demo
from tisser.accounts.models import User
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PHONE = {"width": 360, "height": 740}
# One page per list template, by who opens it.
LISTS = {
    "prescripteur": ["/espace-pro/orientations/mes-orientations/"],
    "responsable": [
        "/espace-pro/orientations/a-traiter/",
        "/espace-pro/dossiers/",
        "/espace-pro/imports/",
        "/espace-pro/membres/",
        "/espace-pro/invitations/",
    ],
    "admin": [
        "/espace-pro/orientations/moderation/",
        "/espace-pro/",
        "/espace-pro/espaces/",
        "/espace-pro/partenaires/",
        "/espace-pro/financeurs/",
    ],
}


@pytest.fixture
def demo_data():
    seed_ci_demo()


def signed_in(new_page, local: str, **viewport):
    user = User.objects.get(email=f"{local}@{demo.DEMO_EMAIL_DOMAIN}")
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
    )
    page = new_page(**viewport)
    sign_in(page, user.email, demo.DEMO_PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def assert_fits_the_phone(page):
    assert_fits(page, PHONE["width"])


def test_a_partner_prints_the_summary_of_a_bon(new_page, demo_data, assert_accessible):
    page = signed_in(new_page, "prescripteur", **PHONE)
    referral = (
        Referral.objects.filter(
            partner__memberships__user__email=f"prescripteur@{demo.DEMO_EMAIL_DOMAIN}",
            status=ReferralStatus.ACCEPTED,
        )
        .order_by("pk")
        .first()
    )
    assert referral is not None, "the demo has an accepted bon of the demo partner"
    page.goto(referral.get_absolute_url())
    assert_fits_the_phone(page)
    assert_accessible(page)
    link = page.get_by_role("link", name="Imprimer le récapitulatif pour la personne (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert referral.first_name in text and referral.site.address in text
    assert referral.reason[:30] not in text

    # The information notice, from the referral form.
    page.goto("/espace-pro/orientations/nouvelle/")
    notice = page.get_by_role("link", name="Imprimer la notice d'information", exact=False)
    response = page.request.get(notice.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.body())).pages) == 1
    assert not page.watcher.problems, page.watcher.problems


def test_lists_fit_a_360_px_phone(new_page, demo_data, assert_accessible):
    # Every role in one test: the demo is seeded once for them all.
    for local in sorted(LISTS):
        page = signed_in(new_page, local, **PHONE)
        for url in LISTS[local]:
            page.goto(url)
            assert_fits_the_phone(page)
            assert_accessible(page)
            cells = page.locator("table.table-cards tbody td[data-label]")
            if cells.count():
                # A row is a card: its cells stack, each headed by its column's name.
                label = cells.first.evaluate("(cell) => getComputedStyle(cell, '::before').content")
                assert label not in ("none", "normal", '""'), url
        assert not page.watcher.problems, (local, page.watcher.problems)
        page.context.close()


def test_a_form_with_errors_starts_at_its_summary(new_page, demo_data, assert_accessible):
    page = signed_in(new_page, "prescripteur", **PHONE)
    page.goto("/espace-pro/orientations/nouvelle/")
    # Each criterion is explained beside its box, and read with it.
    box = page.get_by_label("Parle peu ou pas le français")
    assert box.get_attribute("aria-describedby")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    summary = page.locator("#error-summary")
    assert "Indiquez le prénom de la personne." in summary.inner_text()
    summary.get_by_role("link", name="Prénom", exact=False).first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_first_name"
    assert_fits_the_phone(page)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
