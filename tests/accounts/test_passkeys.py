"""Passkeys (WebAuthn) beside TOTP: French pages that run allauth's scripts under our CSP.

The ceremony itself needs a browser: tests/e2e/test_passkey.py drives Chromium's virtual
authenticator through enrolment and a passkey sign-in.
"""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD
from tests.accounts.soft_passkey import SoftPasskey
from tests.accounts.test_security_mfa import passkey_of, sign_in
from tisser.accounts.enums import Role

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _test_client_origin(settings):
    # The test client's origin is http://testserver; browsers allow WebAuthn on https and
    # localhost only (the e2e test runs on localhost with the real check).
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


@pytest.fixture
def mediator_member(site, member_factory):
    return member_factory(site, Role.MEDIATOR)


def js_data(response) -> dict:
    return json.loads(JS_DATA.search(response.content.decode())[1])


def scripts_outside_policy(response) -> list[str]:
    """Script tags the CSP would block: inline code without the response's nonce.

    Scripts from our own origin (``/static/``) and JSON data blocks (never executed) pass.
    """
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)[1]
    refused = []
    for attributes in SCRIPT_TAG.findall(response.content.decode()):
        if 'src="/static/' in attributes or 'type="application/json"' in attributes:
            continue
        if f'nonce="{nonce}"' in attributes:
            continue
        refused.append(attributes)
    return refused


def reauthenticated(client):
    """allauth asks for the password again before a factor is added: give it."""
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def test_add_passkey_page_is_french_and_runs_under_the_csp(login, mediator_member):
    client = reauthenticated(login(mediator_member, with_totp=False))
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Créer une clé d'accès</h1>" in html
    assert "Nom de la clé" in html
    assert "Me connecter avec cette clé seule, sans mot de passe" in html
    # A passkey (resident key, user verification) unless the person unticks the box.
    assert re.search(r'<input type="checkbox" name="passwordless"[^>]*checked', html)
    assert 'src="/static/mfa/js/webauthn.js"' in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert scripts_outside_policy(response) == []
    public_key = js_data(response)["creation_options"]["publicKey"]
    assert public_key["challenge"]
    assert public_key["user"]["name"] == mediator_member.user.email


def test_sign_in_page_offers_a_passkey_under_the_csp(client, db):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert "Se connecter avec une clé d'accès" in html
    assert f'action="{reverse("mfa_login_webauthn")}"' in html
    assert scripts_outside_policy(response) == []


def test_signed_out_browser_gets_a_passkey_challenge(client, db):
    response = client.get(reverse("mfa_login_webauthn"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    options = response.json()["request_options"]["publicKey"]
    assert options["challenge"]
    # Signing in with the passkey alone: the key must check the person (PIN, fingerprint).
    assert options["userVerification"] == "required"


def test_a_forged_passkey_answer_signs_nobody_in(client, mediator_member):
    passkey_of(mediator_member.user)
    client.get(reverse("mfa_login_webauthn"), headers={"Accept": "application/json"})
    forged = {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}
    response = client.post(reverse("mfa_login_webauthn"), {"credential": json.dumps(forged)})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def enrol_passkey(client, *, name="Téléphone de Léa") -> SoftPasskey:
    """Enrol a software passkey through allauth's real add page (the member is signed in)."""
    passkey = SoftPasskey()
    reauthenticated(client)
    page = client.get(reverse("mfa_add_webauthn"))
    credential = passkey.register(js_data(page)["creation_options"])
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": name, "passwordless": "on", "credential": json.dumps(credential)},
    )
    assert response.status_code == 302, response.content.decode()
    return passkey


def test_enrolling_a_passkey_then_signing_in_with_it_alone(login, client, mediator_member):
    user = mediator_member.user
    login(mediator_member, with_totp=False)
    assert client.get(reverse("workspace:home"))["Location"] == reverse("mfa_index")

    passkey = enrol_passkey(client)
    [stored] = Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)
    assert stored.wrap().name == "Téléphone de Léa"
    assert stored.wrap().is_passwordless
    # Recovery codes come with the first factor, and the middleware lets the member through.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("workspace:home")).status_code == 200

    client.post(reverse("account_logout"))
    options = client.get(
        reverse("mfa_login_webauthn"), headers={"Accept": "application/json"}
    ).json()
    response = client.post(
        reverse("mfa_login_webauthn"),
        {"credential": json.dumps(passkey.sign_in(options["request_options"]))},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("workspace:home")).status_code == 200


def test_a_passkey_answer_without_user_verification_does_not_sign_in(
    login, client, mediator_member
):
    login(mediator_member, with_totp=False)
    passkey = enrol_passkey(client)
    client.post(reverse("account_logout"))
    passkey.flags &= ~passkey.flags.UV  # a key that did not check the PIN or fingerprint
    options = client.get(
        reverse("mfa_login_webauthn"), headers={"Accept": "application/json"}
    ).json()
    response = client.post(
        reverse("mfa_login_webauthn"),
        {"credential": json.dumps(passkey.sign_in(options["request_options"]))},
    )
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_second_step_offers_the_passkey_to_who_has_one(login, client, mediator_member):
    user = mediator_member.user
    login(mediator_member, with_totp=False)
    passkey = enrol_passkey(client)
    client.post(reverse("account_logout"))
    sign_in(client, user.email)
    response = client.get(reverse("mfa_authenticate"))
    html = response.content.decode()
    assert "Utiliser ma clé d'accès" in html
    assert "Vous n'avez plus votre clé d'accès ? Écrivez un de vos codes de secours." in html
    assert scripts_outside_policy(response) == []
    # The passkey answers the second step instead of a code.
    answer = passkey.sign_in(js_data(response)["request_options"])
    done = client.post(reverse("mfa_authenticate"), {"credential": json.dumps(answer)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_second_step_asks_only_the_code_without_a_passkey(client, mediator_member):
    user = mediator_member.user
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    sign_in(client, user.email)
    html = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Utiliser ma clé d'accès" not in html
    assert "Ouvrez votre application d'authentification" in html


def test_passkey_list_is_french(login, mediator_member):
    passkey_of(mediator_member.user, name="Téléphone de Léa")
    client = login(mediator_member, with_totp=False)
    html = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "<h1>Mes clés d'accès</h1>" in html
    assert "Téléphone de Léa" in html
    assert "Connexion sans mot de passe" in html
    assert Authenticator.objects.filter(user=mediator_member.user).count() == 1


@pytest.mark.parametrize("name", ["mfa_edit_webauthn", "mfa_remove_webauthn"])
def test_another_persons_passkey_is_a_404(
    login, client, mediator_member, site, member_factory, name
):
    colleague = member_factory(site, Role.SITE_MANAGER)
    their_key = passkey_of(colleague.user, name="Clé de la responsable")
    login(mediator_member, with_totp=False)
    enrol_passkey(client)  # enrolled and recently reauthenticated: only the owner check remains
    path = reverse(name, kwargs={"pk": their_key.pk})
    assert client.get(path).status_code == 404
    assert client.post(path, {"name": "Volée"}).status_code == 404
    their_key.refresh_from_db()
    assert their_key.wrap().name == "Clé de la responsable"
