"""Issue 2's acceptance journey in Chromium, and axe-core on the main pages."""

import re
import time

import pytest

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.screen import page_width
from tisser.accounts import demo
from tisser.accounts.enums import Role
from tisser.accounts.models import Site, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp"


@pytest.fixture
def demo_network():
    """The demo network of `make run`: the journey signs in as its demo site manager."""
    seed_ci_demo()
    manager = next(login for login in demo.LOGINS if login.role == Role.SITE_MANAGER)
    return {
        "user": User.objects.get(email=manager.email),
        "password": demo.DEMO_PASSWORD,
        "home_site": Site.objects.get(name=demo.STRASBOURG_SITE),
        "other_site": Site.objects.get(name=demo.PARIS_BELLEVILLE_SITE),
    }


def current_totp(secret: str) -> str:
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # Do not compute a code in the last two seconds of its period: it could expire in flight.
    if app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD < 2:
        time.sleep(2.5)
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def confirm_password_if_asked(page, password: str, assert_accessible=None):
    page.wait_for_load_state()
    if "/compte/reauthenticate/" in page.url:
        if assert_accessible:
            assert_accessible(page)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Confirmer").click()


def sign_in(page, email: str, password: str):
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_site_manager_signs_in_enrols_totp_and_switches_organisation(
    page, demo_network, assert_accessible
):
    user = demo_network["user"]
    sign_in(page, user.email, demo_network["password"])

    # Mandatory second factor: the site manager is sent to the choice of a passkey or an app.
    page.wait_for_url("**/compte/2fa/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sécurité de mon compte"
    assert page.get_by_role("link", name="Créer une clé d'accès").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Activer l'application").click()
    # allauth may ask for the password again before a factor is added.
    confirm_password_if_asked(page, demo_network["password"], assert_accessible)
    page.wait_for_url("**/compte/2fa/totp/activate/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Activer la double authentification"
    )
    assert page.locator("img.qr").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/tisser-totp-activate.png", full_page=True)
    assert_accessible(page)

    # The key is shown in groups of four, to be typed in an app by hand.
    shown = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", shown), shown
    secret = shown.replace(" ", "")
    page.get_by_label("Code de l’authentificateur").or_(page.locator("#id_code")).first.fill(
        current_totp(secret)
    )
    page.get_by_role("button", name="Activer").click()

    # Recovery codes are shown once enrolled.
    page.wait_for_url("**/compte/2fa/recovery-codes/")
    assert page.locator("ul.codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()

    # The staff home of the first organisation.
    page.wait_for_url("**/espace-pro/")
    assert page.get_by_role("heading", level=1).inner_text() == demo.STRASBOURG_SITE
    assert page.get_by_text("Vous êtes Responsable d'espace dans cet espace.").is_visible()
    assert_accessible(page)
    page.screenshot(path=f"{SCREENSHOTS}/tisser-staff-home-desktop.png", full_page=True)

    # Switch organisation from the header.
    page.get_by_label("Vous agissez pour").select_option(
        label=f"{demo.PARIS_BELLEVILLE_SITE} — Médiateur numérique"
    )
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == demo.PARIS_BELLEVILLE_SITE
    assert page.get_by_text(
        f"Vous agissez maintenant pour : {demo.PARIS_BELLEVILLE_SITE}."
    ).is_visible()
    assert page.get_by_text("Vous êtes Médiateur numérique dans cet espace.").is_visible()
    assert not page.watcher.problems, page.watcher.problems


PUBLIC_PAGES = [
    ("/", "Être aidé avec le numérique, près de chez vous"),
    ("/espaces/", "Trouver un espace"),
    ("/espaces/strgar/", demo.STRASBOURG_SITE),
    ("/compte/login/", "Se connecter à l'espace professionnel"),
    ("/mentions-legales/", "Mentions légales"),
    ("/donnees-personnelles/", "Vos données personnelles"),
    ("/accessibilite/", "Déclaration d'accessibilité"),
    ("/demander-de-l-aide/", "Demander de l'aide"),
    ("/compte/password/reset/", "Mot de passe oublié"),
    # The public figures page (issue 16, helper PUBLIC).
    ("/chiffres/", "Nos chiffres"),
]
PHONE_PAGES = [
    "/",
    "/espaces/",
    "/espaces/strgar/",
    "/compte/login/",
    "/donnees-personnelles/",
    "/demander-de-l-aide/",
    "/chiffres/",
]


def every_page(paths, check) -> None:
    """Check each page, then report every page that failed (not only the first one).

    One test walks all the pages: the demo is seeded once for them, not once per page (a
    browser test's data cannot be shared between tests: each one ends with a flush)."""
    failures = []
    for path in paths:
        try:
            check(path)
        except AssertionError as error:
            failures.append(f"{path}: {error}")
    assert not failures, "\n\n".join(failures)


def test_public_pages_pass_axe(page, demo_network, assert_accessible):
    def check(path):
        heading = dict(PUBLIC_PAGES)[path]
        page.watcher.problems.clear()  # this page's own problems only
        page.goto(path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        slug = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=f"{SCREENSHOTS}/tisser-{slug}.png", full_page=True)
        assert_accessible(page)
        assert not page.watcher.problems, page.watcher.problems

    every_page([path for path, _heading in PUBLIC_PAGES], check)


def test_public_pages_fit_a_320px_screen(new_page, demo_network):
    page = new_page(width=320, height=640)

    def check(path):
        page.goto(path)
        scroll_width = page_width(page)
        assert scroll_width <= 320, f"{path} scrolls sideways: {scroll_width}px"
        if path == "/":
            page.screenshot(path=f"{SCREENSHOTS}/tisser-public-home-320.png", full_page=True)

    every_page(PHONE_PAGES, check)


def test_staff_home_fits_a_320px_screen_with_the_switcher(
    new_page, demo_network, assert_accessible
):
    from allauth.mfa.models import Authenticator

    user = demo_network["user"]
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    page = new_page(width=320, height=640)
    sign_in(page, user.email, demo_network["password"])
    page.wait_for_url("**/compte/2fa/authenticate/")
    assert_accessible(page)
    page.locator("#id_code").fill(current_totp("JBSWY3DPEHPK3PXP"))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")
    assert page.get_by_label("Vous agissez pour").is_visible()
    scroll_width = page_width(page)
    assert scroll_width <= 320, f"staff home scrolls sideways: {scroll_width}px"
    page.screenshot(path=f"{SCREENSHOTS}/tisser-staff-home-320.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name="Sécurité de mon compte").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sécurité de mon compte"
    assert page_width(page) <= 320
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_the_content(page, demo_network):
    page.goto("/espaces/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def test_a_person_asks_for_help_on_a_small_phone(new_page, demo_network, assert_accessible):
    """The public help form works at 320 px and lands in the nearest space's inbox."""
    from tisser.referrals.enums import ReferralSource, ReferralStatus
    from tisser.referrals.models import Referral

    page = new_page(width=320, height=640)
    page.goto("/demander-de-l-aide/")
    page.get_by_label("Votre prénom").fill("Samira")
    page.get_by_label("Votre numéro de téléphone").fill("06 12 34 56 70")
    page.get_by_label("Votre code postal").fill("67200")
    page.get_by_label("J'accepte que le réseau garde ces informations pour me recontacter.").check()
    page.get_by_role("button", name="Envoyer").click()
    assert page.get_by_role("heading", level=1).inner_text() == ("Merci, votre demande est envoyée")
    assert page_width(page) <= 320
    assert_accessible(page)
    request = Referral.objects.get(source=ReferralSource.PUBLIC_REQUEST, first_name="Samira")
    assert request.status == ReferralStatus.SUBMITTED and request.reply_due_on is not None
    assert request.site == demo_network["home_site"]
    assert request.phone == "+33612345670"
