"""Issue 6: the demo mediator enrols a passkey, signs out, and signs in with it alone.

Chromium's virtual authenticator (DevTools protocol, ``WebAuthn`` domain) plays a platform
passkey with a PIN or fingerprint already given: resident key, user verification, verified.
allauth's scripts run from /static/ under our nonce CSP; the page watcher fails the test on
any CSP refusal or JavaScript error.
"""

import pytest
from allauth.mfa.models import Authenticator

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_acceptance import confirm_password_if_asked, sign_in
from tisser.accounts import demo
from tisser.accounts.enums import Role
from tisser.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp"


@pytest.fixture
def demo_mediator():
    seed_ci_demo()
    mediator = next(login for login in demo.LOGINS if login.role == Role.MEDIATOR)
    return User.objects.get(email=mediator.email)


def add_virtual_authenticator(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_demo_mediator_enrols_a_passkey_then_signs_in_with_it(
    page, demo_mediator, assert_accessible
):
    cdp, authenticator_id = add_virtual_authenticator(page)

    # 1. Password sign-in; the mediator's role opens files, so enrolment comes first.
    sign_in(page, demo_mediator.email, demo.DEMO_PASSWORD)
    page.wait_for_url("**/compte/2fa/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sécurité de mon compte"
    page.get_by_role("link", name="Créer une clé d'accès").click()
    confirm_password_if_asked(page, demo.DEMO_PASSWORD, assert_accessible)

    # 2. The passkey: a name, "sign in with this key alone" ticked by default.
    page.wait_for_url("**/compte/2fa/webauthn/add/")
    assert page.get_by_role("heading", level=1).inner_text() == "Créer une clé d'accès"
    assert page.get_by_label("Me connecter avec cette clé seule, sans mot de passe").is_checked()
    assert_accessible(page)
    page.get_by_label("Nom de la clé").fill("Poste de l'accueil")
    page.get_by_role("button", name="Créer la clé d'accès").click()

    # 3. Recovery codes come with the first factor, then the staff home.
    page.wait_for_url("**/compte/2fa/recovery-codes/")
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url("**/espace-pro/")
    assert page.get_by_text("Vous êtes Médiateur numérique dans cet espace.").is_visible()
    [passkey] = Authenticator.objects.filter(user=demo_mediator, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Poste de l'accueil"
    assert passkey.wrap().is_passwordless
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [c["isResidentCredential"] for c in credentials["credentials"]] == [True]

    # 4. Sign out, then sign in with the passkey alone: no password, no code.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    page.goto("/compte/login/")
    assert_accessible(page)
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    page.wait_for_url("**/espace-pro/")
    assert page.get_by_text("Vous êtes Médiateur numérique dans cet espace.").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/tisser-passkey-signed-in.png", full_page=True)
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert not page.watcher.problems, page.watcher.problems


def test_a_refused_passkey_shows_a_french_message(page, demo_mediator):
    """The key cannot check the person (PIN refused): the page says so in French."""
    cdp, authenticator_id = add_virtual_authenticator(page)
    cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator_id, "isUserVerified": False}
    )
    page.goto("/compte/login/")
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    alert = page.locator("#passkey-error")
    alert.wait_for(state="visible")
    assert "La clé d'accès n'a pas répondu" in alert.inner_text()
    assert not page.watcher.problems, page.watcher.problems
