"""Staff sessions end after 30 minutes idle and after 12 hours in all (time travel, no sleep)."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from tisser.accounts import middleware

HOME = reverse("workspace:home")
MINUTE = 60
HOUR = 60 * MINUTE
START = 1_800_000_000  # an arbitrary fixed moment


@pytest.fixture
def clock(monkeypatch):
    """A clock the session middleware reads; move it with ``clock.now += seconds``."""
    fake = SimpleNamespace(now=START)
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: fake.now))
    return fake


@pytest.fixture
def client_in(login, mediator, clock):
    client = login(mediator)
    assert client.get(HOME).status_code == 200  # the session starts now
    return client


def is_signed_out(client, response):
    return (
        response.status_code == 302
        and response["Location"] == f"{reverse('account_login')}?next={HOME}"
        and "_auth_user_id" not in client.session
    )


def test_settings_say_30_minutes_and_12_hours():
    assert settings.STAFF_SESSION_IDLE_SECONDS == 30 * MINUTE
    assert settings.STAFF_SESSION_ABSOLUTE_SECONDS == 12 * HOUR


def test_29_minutes_idle_is_fine(client_in, clock):
    clock.now += 29 * MINUTE
    assert client_in.get(HOME).status_code == 200


def test_31_minutes_idle_signs_out(client_in, clock):
    clock.now += 31 * MINUTE
    response = client_in.get(HOME)
    assert is_signed_out(client_in, response)
    # And it stays signed out: the next request is a plain anonymous one.
    assert client_in.get(HOME)["Location"].startswith(reverse("account_login"))


def test_the_person_is_told_why(client_in, clock):
    clock.now += 31 * MINUTE
    page = client_in.get(HOME, follow=True)
    assert "Votre session a expiré" in page.content.decode()


def test_activity_keeps_the_session_alive(client_in, clock):
    for _ in range(4):
        clock.now += 25 * MINUTE
        assert client_in.get(HOME).status_code == 200


def test_12_hours_in_all_signs_out_even_an_active_session(client_in, clock):
    elapsed = 0
    while elapsed + 20 * MINUTE <= 12 * HOUR:
        clock.now += 20 * MINUTE
        elapsed += 20 * MINUTE
        assert client_in.get(HOME).status_code == 200, f"signed out after {elapsed / HOUR:.1f} h"
    clock.now += 20 * MINUTE
    assert is_signed_out(client_in, client_in.get(HOME))


def test_a_fresh_sign_in_starts_a_fresh_session(login, mediator, client_in, clock):
    clock.now += 13 * HOUR
    assert is_signed_out(client_in, client_in.get(HOME))
    login(mediator)
    assert client_in.get(HOME).status_code == 200
    clock.now += 20 * MINUTE
    assert client_in.get(HOME).status_code == 200


def test_anonymous_visitors_are_not_affected(client, db, clock):
    assert client.get(reverse("website:home")).status_code == 200
    clock.now += 13 * HOUR
    assert client.get(reverse("website:home")).status_code == 200
