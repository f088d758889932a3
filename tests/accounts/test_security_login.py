"""Sign-in: lockout after 5 failures, and no hint about which e-mail addresses have accounts."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

LOGIN_URL = "/compte/login/"
RESET_URL = "/compte/password/reset/"
WRONG_PASSWORD = "pas-le-bon-mot-de-passe"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def user(db):
    return UserFactory(email="alice@exemple.fr")


def post_login(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def page_text(response, *, email):
    """The page without what legitimately differs: CSRF tokens and the address typed in."""
    text = response.content.decode()
    text = CSRF.sub('name="csrfmiddlewaretoken" value=""', text)
    return text.replace(email, "ADDRESS")


def errors(response):
    form = response.context["form"]
    return [str(message) for message in form.non_field_errors()]


def test_right_password_signs_in(client, user):
    response = post_login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_wrong_password_is_refused_with_a_french_message(client, user):
    response = post_login(client, user.email, WRONG_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    [message] = errors(response)
    assert "mot de passe" in message.lower()


def test_five_failures_lock_the_account_even_for_the_right_password(client, user):
    wrong_messages = [errors(post_login(client, user.email, WRONG_PASSWORD)) for _ in range(5)]
    assert all(m == wrong_messages[0] for m in wrong_messages)

    locked = post_login(client, user.email, DEFAULT_PASSWORD)
    assert locked.status_code == 200
    assert "_auth_user_id" not in client.session
    # Exactly the answer of a wrong password: the lock tells an attacker nothing.
    assert errors(locked) == wrong_messages[0]
    assert page_text(locked, email=user.email) == page_text(
        post_login(client, user.email, WRONG_PASSWORD), email=user.email
    )


def test_four_failures_do_not_lock(client, user):
    for _ in range(4):
        post_login(client, user.email, WRONG_PASSWORD)
    assert post_login(client, user.email, DEFAULT_PASSWORD).status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_lock_is_per_account(client, user):
    other = UserFactory(email="bob@exemple.fr")
    for _ in range(5):
        post_login(client, user.email, WRONG_PASSWORD)
    assert post_login(client, other.email, DEFAULT_PASSWORD).status_code == 302
    assert client.session.get("_auth_user_id") == str(other.pk)


def test_lock_ignores_the_case_of_the_address(client, user):
    for variant in ["alice@exemple.fr", "ALICE@exemple.fr", "Alice@Exemple.fr"] * 2:
        post_login(client, variant, WRONG_PASSWORD)
    assert post_login(client, user.email, DEFAULT_PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_lock_lifts_after_five_minutes(client, user, monkeypatch):
    import time as real_time

    from allauth.core.internal import ratelimit

    now = real_time.time()
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    for _ in range(5):
        post_login(client, user.email, WRONG_PASSWORD)
    assert post_login(client, user.email, DEFAULT_PASSWORD).status_code == 200

    monkeypatch.setattr(ratelimit.time, "time", lambda: now + 5 * 60 + 1)
    assert post_login(client, user.email, DEFAULT_PASSWORD).status_code == 302


def test_unknown_and_known_addresses_get_the_same_login_answer(client, user):
    known = post_login(client, user.email, WRONG_PASSWORD)
    unknown = post_login(client, "personne@exemple.fr", WRONG_PASSWORD)
    assert known.status_code == unknown.status_code == 200
    assert errors(known) == errors(unknown)
    assert page_text(known, email=user.email) == page_text(unknown, email="personne@exemple.fr")


def test_unknown_addresses_are_locked_like_known_ones(client, user):
    """Otherwise the lock itself would reveal which addresses have an account."""
    ghost = "fantome@exemple.fr"
    for _ in range(5):
        post_login(client, ghost, WRONG_PASSWORD)
        post_login(client, user.email, WRONG_PASSWORD)
    known = post_login(client, user.email, WRONG_PASSWORD)
    unknown = post_login(client, ghost, WRONG_PASSWORD)
    assert page_text(known, email=user.email) == page_text(unknown, email=ghost)


def test_inactive_account_answers_like_a_wrong_password(client, user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    inactive = post_login(client, user.email, DEFAULT_PASSWORD)
    unknown = post_login(client, "personne@exemple.fr", DEFAULT_PASSWORD)
    assert inactive.status_code == unknown.status_code == 200
    assert page_text(inactive, email=user.email) == page_text(unknown, email="personne@exemple.fr")


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client, user):
    known = client.post(RESET_URL, {"email": user.email})
    unknown = client.post(RESET_URL, {"email": "personne@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")

    known_page = client.post(RESET_URL, {"email": user.email}, follow=True)
    unknown_page = client.post(RESET_URL, {"email": "personne@exemple.fr"}, follow=True)
    assert known_page.status_code == unknown_page.status_code == 200
    assert page_text(known_page, email=user.email) == page_text(
        unknown_page, email="personne@exemple.fr"
    )


def test_password_reset_link_goes_only_to_the_known_address(client, user):
    client.post(RESET_URL, {"email": user.email})
    client.post(RESET_URL, {"email": "personne@exemple.fr"})
    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert "/compte/password/reset/key/" in by_address[user.email]
    assert "/compte/password/reset/key/" not in by_address.get("personne@exemple.fr", "")
