"""Issue 9 (part B) in Chromium: the network admin reads the journal in plain French,
filters it by an action chosen in words, finds the CSV link; axe-core finds no serious or
critical violation on the journal page."""

import pytest

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts import demo
from tisser.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def admin_page(new_page):
    """The demo network, and its network admin signed in with a second factor."""
    from allauth.mfa.models import Authenticator

    seed_ci_demo()
    admin = User.objects.get(email=demo._demo_email("admin"))
    Authenticator.objects.create(
        user=admin, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    page = new_page()
    sign_in(page, admin.email, demo.DEMO_PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    return page


def test_the_journal_reads_in_french_and_is_accessible(admin_page, assert_accessible):
    page = admin_page
    page.goto("/espace-pro/journal/")
    assert page.get_by_role("heading", name="Journal des actions").is_visible()
    assert_accessible(page)
    # The demo's seeding is journaled: its label, not its code.
    assert page.get_by_role("cell", name="Données de démonstration créées").first.is_visible()
    page.get_by_label("Action").select_option(label="Données de démonstration créées")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/espace-pro/journal/?*action=demo.seeded*")
    assert page.get_by_text("1 entrée").is_visible()
    link = page.get_by_role("link", name="Télécharger ces entrées (CSV)")
    assert "action=demo.seeded" in link.get_attribute("href")
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
