import re

import pytest
from django.core import mail

from tests.accounts.factories import DEFAULT_PASSWORD
from tisser.accounts.enums import Role


def test_login_page_has_no_sign_up_link_and_links_to_password_reset(client, db):
    page = client.get("/compte/login/").content.decode()
    assert "Se connecter à l&#x27;espace professionnel" in page or "Se connecter à l'espace" in page
    assert "/compte/signup/" not in page
    assert 'href="/compte/password/reset/"' in page
    assert "sur invitation" in page
    assert re.search(r'<label for="id_login">', page)
    assert re.search(r'<label for="id_password">', page)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, mediator):
    known = client.post("/compte/password/reset/", {"email": mediator.user.email}, follow=True)
    unknown = client.post("/compte/password/reset/", {"email": "personne@exemple.fr"}, follow=True)
    assert known.content.decode().count("Vérifiez vos e-mails") >= 1
    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) >= 1


def test_password_reset_from_key_page_and_done_page_are_in_french(client, mediator):
    client.post("/compte/password/reset/", {"email": mediator.user.email})
    link = re.search(r"http://testserver(/compte/password/reset/key/\S+)", mail.outbox[-1].body)
    response = client.get(link.group(1), follow=True)
    page = response.content.decode()
    assert "Choisir un nouveau mot de passe" in page
    action = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "une phrase assez longue 42"
    done = client.post(
        action, {"password1": new_password, "password2": new_password}, follow=True
    ).content.decode()
    assert "Votre mot de passe est changé" in done
    mediator.user.refresh_from_db()
    assert mediator.user.check_password(new_password)


def test_bad_reset_link_says_it_is_no_longer_valid(client, db):
    page = client.get("/compte/password/reset/key/1-bad-token/", follow=True).content.decode()
    assert "plus valable" in page


def test_site_manager_without_totp_is_sent_to_enrolment_which_shows_qr_and_secret(
    client, site, member_factory
):
    manager = member_factory(site, Role.SITE_MANAGER)
    client.post("/compte/login/", {"login": manager.user.email, "password": DEFAULT_PASSWORD})
    response = client.get("/espace-pro/", follow=True)
    # The account security page offers a passkey or an authenticator app.
    assert response.redirect_chain[-1][0] == "/compte/2fa/"
    assert "Activer l'application" in response.content.decode()
    response = client.get("/compte/2fa/totp/activate/", follow=True)
    # allauth asks for the password once more before a security change.
    assert response.redirect_chain[-1][0].startswith("/compte/reauthenticate/")
    assert "Confirmer votre identité" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"password": DEFAULT_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/compte/2fa/totp/activate/"
    assert "Activer la double authentification" in page
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(
        r'<code class="secret" id="totp-secret" translate="no">((?:[A-Z2-7]{4} )+[A-Z2-7]{1,4})</code>',
        page,
    )
    assert secret and len(secret.group(1).replace(" ", "")) >= 16
    assert '<label for="id_code"' in page


def test_enrolment_shows_recovery_codes_then_the_mfa_index(client, site, member_factory):
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    manager = member_factory(site, Role.SITE_MANAGER)
    client.post("/compte/login/", {"login": manager.user.email, "password": DEFAULT_PASSWORD})
    client.post("/compte/reauthenticate/", {"password": DEFAULT_PASSWORD})
    page = client.get("/compte/2fa/totp/activate/").content.decode()
    secret = (
        re.search(r'id="totp-secret" translate="no">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    )
    counter = next(iter(yield_hotp_counters_from_time()))
    code = format_hotp_value(hotp_value(secret, counter))
    response = client.post("/compte/2fa/totp/activate/", {"code": code}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/compte/2fa/recovery-codes/"
    assert "Vos codes de secours" in page
    assert page.count("<li>", page.index('class="codes"')) >= 10
    index = client.get("/compte/2fa/").content.decode()
    assert "Activée" in index
    assert "Il vous reste 10 codes de secours sur 10." in index
    download = client.get("/compte/2fa/recovery-codes/download/")
    assert download["Content-Type"].startswith("text/plain")
    assert "codes de secours" in download.content.decode()
    generate = client.get("/compte/2fa/recovery-codes/generate/").content.decode()
    assert "Les anciens codes ne marcheront plus." in generate


@pytest.mark.parametrize("url", ["/compte/2fa/", "/compte/password/change/", "/compte/logout/"])
def test_account_pages_for_signed_in_members_use_our_layout(login, network_admin, url):
    client = login(network_admin)
    page = client.get(url).content.decode()
    assert 'class="skip-link"' in page
    assert 'lang="fr"' in page
