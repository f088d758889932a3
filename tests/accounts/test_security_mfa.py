"""Mandatory second factor (passkey or TOTP) for every role that opens personal data, and the
second factor at sign-in once enrolled."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import is_mfa_enabled
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, MembershipFactory
from tests.core.test_deny_by_default import EXPECTED_PUBLIC
from tests.core.urlconf import all_routes
from tisser.accounts.enums import ROLES_BY_KIND, ROLES_REQUIRING_TWO_FACTOR, Role
from tisser.core.access import CLOSED_URL_NAMES, is_learner_only

ACTIVATE = reverse("mfa_activate_totp")
# Where an unenrolled member is sent: the account security page offers a passkey or TOTP.
ENROL = reverse("mfa_index")
# While not enrolled, a member whose role needs two factors may open only these (and public
# pages).
ENROLMENT_AND_SIGN_OUT = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "accounts:no_membership",
    }
)
FORCED = [
    route
    for route in all_routes()
    if route.name not in EXPECTED_PUBLIC | ENROLMENT_AND_SIGN_OUT | CLOSED_URL_NAMES
    and not route.path.startswith("/admin/")
    # A learner's page is a 404 for every member, enrolled or not (tests/core/test_deny_by_default).
    and not is_learner_only(route.callback)
]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


KIND_OF_ROLE = {role: kind for kind, roles in ROLES_BY_KIND.items() for role in roles}


@pytest.fixture
def site_manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


@pytest.fixture
def member_with_role(network, site, partner, funder, member_factory):
    """``member_with_role(role)``: a member of the demo-like organisation that fits the role."""
    organisations = {"network": network, "site": site, "partner": partner, "funder": funder}
    return lambda role: member_factory(organisations[KIND_OF_ROLE[role]], role)


def test_every_role_that_opens_personal_data_must_enrol():
    # Funders read aggregates only (docs/decisions/0014-two-factor-for-every-role.md).
    assert set(Role) - {Role.FUNDER_VIEWER} == ROLES_REQUIRING_TWO_FACTOR


@pytest.mark.parametrize("role", sorted(ROLES_REQUIRING_TWO_FACTOR))
@pytest.mark.parametrize("route", FORCED, ids=lambda route: route.label)
def test_unenrolled_members_are_sent_to_enrolment(member_with_role, login, role, route):
    client = login(member_with_role(role), with_totp=False)
    response = client.get(route.path)
    assert response.status_code == 302, f"{route.label} answered {response.status_code}"
    assert response["Location"] == ENROL


def test_admin_pages_also_wait_for_enrolment(login, site_manager):
    client = login(site_manager, with_totp=False)
    response = client.get("/admin/")
    assert response["Location"] == ENROL


@pytest.mark.parametrize(
    "name", ["account_logout", "mfa_index", "mfa_activate_totp", "mfa_add_webauthn"]
)
def test_enrolment_and_sign_out_stay_open(login, site_manager, name):
    client = login(site_manager, with_totp=False)
    # force_login leaves no recent password check: allauth asks for it, and that page is open.
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    assert all(url != ENROL for url, _status in response.redirect_chain)


def test_enrolment_page_offers_a_passkey_or_an_authenticator_app(login, site_manager):
    client = login(site_manager, with_totp=False)
    page = client.get(ENROL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Créer une clé d'accès" in html
    assert f'href="{reverse("mfa_add_webauthn")}"' in html
    assert "Activer l'application" in html
    assert f'href="{ACTIVATE}"' in html


def test_public_pages_stay_open_before_enrolment(login, site_manager):
    client = login(site_manager, with_totp=False)
    assert client.get(reverse("website:home")).status_code == 200


def test_the_rule_follows_any_membership_not_only_the_current_one(
    login, site, funder, member_factory
):
    funder_member = member_factory(funder, Role.FUNDER_VIEWER)
    MembershipFactory(organisation=site, role=Role.VOLUNTEER, user=funder_member.user)
    # Acts for the funder, but also volunteers at a site where files are opened.
    client = login(funder_member, with_totp=False)
    assert client.get(reverse("workspace:home"))["Location"] == ENROL


def test_funder_members_are_not_forced(login, funder, member_factory):
    client = login(member_factory(funder, Role.FUNDER_VIEWER), with_totp=False)
    assert client.get(reverse("workspace:home")).status_code == 200


def passkey_of(user, *, name="Clé principale"):
    """A stored passkey: the middleware looks only at the authenticator's type."""
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}},
    )


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.SITE_MANAGER])
def test_a_passkey_satisfies_the_middleware(login, member_with_role, role):
    member = member_with_role(role)
    client = login(member, with_totp=False)
    assert client.get(reverse("workspace:home"))["Location"] == ENROL
    passkey_of(member.user)
    assert client.get(reverse("workspace:home")).status_code == 200
    page = client.get(ENROL).content.decode()
    assert "Vous avez 1 clé d'accès." in page


def test_recovery_codes_alone_do_not_satisfy_the_middleware(login, site_manager):
    client = login(site_manager, with_totp=False)
    RecoveryCodes.activate(site_manager.user)
    assert client.get(reverse("workspace:home"))["Location"] == ENROL


def test_enrolled_manager_reaches_every_page(login, site_manager):
    client = login(site_manager, with_totp=False)
    TOTP.activate(site_manager.user, "JBSWY3DPEHPK3PXP")
    assert client.get(reverse("workspace:home")).status_code == 200


def test_real_sign_in_then_enrolment_with_a_computed_code(client, site_manager):
    user = site_manager.user
    response = sign_in(client, user.email)
    assert response.status_code == 302

    home = client.get(reverse("workspace:home"))
    assert home["Location"] == ENROL

    # allauth asks for the password once more before enrolment; that page stays open.
    ask_again = client.get(ACTIVATE)
    assert ask_again.status_code == 302
    assert ask_again["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(ask_again["Location"], {"password": DEFAULT_PASSWORD})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == ACTIVATE

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    # Shown for people who cannot scan the QR code, in groups of four to copy by hand.
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert f'id="totp-secret" translate="no">{grouped}</code>' in page.content.decode()

    wrong = client.post(ACTIVATE, {"code": "000000" if current_code(secret) != "000000" else "1"})
    assert wrong.status_code == 200
    assert not is_mfa_enabled(user)

    done = client.post(ACTIVATE, {"code": current_code(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert is_mfa_enabled(user, [Authenticator.Type.TOTP])
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("workspace:home")).status_code == 200


@pytest.fixture
def enrolled(site_manager):
    user = site_manager.user
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, secret, codes


def test_enrolled_sign_in_asks_for_the_code(client, enrolled):
    user, _secret, _codes = enrolled
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone does not sign in.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("workspace:home"))["Location"].startswith(reverse("account_login"))


def test_enrolled_sign_in_accepts_a_valid_code(client, enrolled):
    user, secret, _codes = enrolled
    sign_in(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("workspace:home")).status_code == 200


def test_enrolled_sign_in_refuses_a_wrong_code(client, enrolled):
    user, secret, _codes = enrolled
    sign_in(client, user.email)
    wrong = "123456" if current_code(secret) != "123456" else "654321"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_enrolled_sign_in_accepts_a_recovery_code_once(client, enrolled):
    user, _secret, codes = enrolled
    sign_in(client, user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("account_logout"))
    sign_in(client, user.email)
    reused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200
    assert "_auth_user_id" not in client.session


def test_superuser_without_membership_must_enrol_before_the_django_admin(client, db):
    from tisser.accounts.models import User

    superuser = User.objects.create_superuser("root@exemple.fr", DEFAULT_PASSWORD)
    client.force_login(superuser)
    assert client.get("/admin/")["Location"] == ENROL
    Authenticator.objects.create(
        user=superuser, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client.get("/admin/").status_code == 200


def test_htmx_request_is_told_to_navigate_to_enrolment(login, site_manager):
    client = login(site_manager, with_totp=False)
    response = client.get(reverse("workspace:home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == ENROL


def test_htmx_request_of_a_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("workspace:home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account_login"))
