"""Deny by default, proven on the whole URL conf.

Every URL is requested anonymously; it must send the visitor to the sign-in page unless it
is in EXPECTED_PUBLIC below. A URL that a later issue adds is picked up automatically: if
it is meant to be public, add it here on purpose (and decorate its view with ``@public``).
"""

import pytest
from django.urls import reverse

from tests.core.urlconf import all_routes
from tisser.core import access

# The explicit list of pages that anyone may open without signing in.
EXPECTED_PUBLIC = frozenset(
    {
        # Public website: home, directory of spaces, one page per space, legal pages.
        "website:home",
        "website:directory",
        "website:site_detail",
        "website:legal_notice",
        "website:privacy",
        "website:accessibility",
        # The public request for help ("Demander de l'aide") and its thank-you page.
        "website:help_request",
        "website:help_request_done",
        # The public agenda of workshops: the agenda, registering (first name and mobile,
        # the anonymous-form guard), its thank-you page, and « Annuler ma place » from the
        # SMS link (a page with a button: a GET never cancels).
        "website:workshop_agenda",
        "website:workshop_register",
        "website:workshop_registered",
        "website:workshop_cancel",
        # Signing in, the second factor during sign-in, and password reset.
        "account_login",
        "mfa_authenticate",
        "mfa_login_webauthn",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        # The one-time invitation link (the invitee may not have an account yet).
        "invitations:accept",
        # The SMS provider's delivery reports and STOP replies (signed with a shared secret).
        "notifications:sms_callback",
        # The health check polled by load balancers: "ok" or "unavailable", nothing else.
        "health",
        # The learner's way in without a password: the code page, the card's QR link (a tap
        # signs in), and « Sortir » (docs/decisions/0042-learner-sign-in.md).
        "learners:sign_in",
        "learners:card",
        "learners:sign_out",
        # The survey's short link: the token is the only key (issue 15, helper S).
        "surveys:answer",
        # --- public figures (issue 16, helper PUBLIC): aggregates only, and the places in
        # the national standard (public like the map of spaces).
        "website:figures",
        "website:places_csv",
    }
)
# Pages that a signed-in person without any membership may still open.
EXPECTED_WITHOUT_MEMBERSHIP = frozenset(
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

ROUTES = all_routes()
# Learners' pages (``learner_only``): a 404 for anyone but the signed-in learner, never a
# redirect to the staff sign-in. Everything else that is not public is a staff page.
LEARNER_ONLY = [route for route in ROUTES if access.is_learner_only(route.callback)]
PRIVATE = [
    route
    for route in ROUTES
    if route.name not in EXPECTED_PUBLIC and not access.is_learner_only(route.callback)
]
LOGIN = reverse("account_login")


def is_login_redirect(response, path):
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN}?next=")


def test_the_walk_sees_the_whole_url_conf():
    names = {route.name for route in ROUTES}
    assert {"workspace:home", "account_login", "website:home", "admin:index"} <= names
    # Every listed public page exists: the list holds no stale entries.
    assert names >= EXPECTED_PUBLIC
    assert names >= EXPECTED_WITHOUT_MEMBERSHIP


def test_the_public_list_matches_the_code():
    """What the middleware lets through is exactly what this test expects to be public."""
    open_in_code = {
        route.name
        for route in ROUTES
        if access.is_public(route.callback) or route.name in access.PUBLIC_URL_NAMES
    }
    assert open_in_code == EXPECTED_PUBLIC


@pytest.mark.parametrize("route", PRIVATE, ids=lambda route: route.label)
def test_private_url_sends_anonymous_visitors_to_sign_in(client, db, route):
    response = client.get(route.path)
    assert is_login_redirect(response, route.path), (
        f"{route.label} ({route.path}) answered {response.status_code} to an anonymous "
        f"visitor instead of redirecting to {LOGIN}. Protect it, or, if it is really "
        "public, decorate it with @public and add it to EXPECTED_PUBLIC."
    )
    assert response["Location"] == f"{LOGIN}?next={route.path}"


def test_the_walk_sees_the_learners_pages():
    assert "learners:home" in {route.name for route in LEARNER_ONLY}
    assert not {route.name for route in LEARNER_ONLY} & EXPECTED_PUBLIC


@pytest.mark.parametrize("route", LEARNER_ONLY, ids=lambda route: route.label)
def test_a_learner_page_is_a_404_for_anonymous_visitors_and_staff(client, mediator, route):
    assert client.get(route.path).status_code == 404
    client.force_login(mediator.user)
    assert client.get(route.path).status_code == 404


@pytest.mark.parametrize(
    "route",
    [route for route in ROUTES if route.name in EXPECTED_PUBLIC],
    ids=lambda route: route.label,
)
def test_public_url_is_open_to_anonymous_visitors(client, db, route):
    response = client.get(route.path)
    assert not is_login_redirect(response, route.path)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "route",
    [route for route in PRIVATE if route.name not in EXPECTED_WITHOUT_MEMBERSHIP],
    ids=lambda route: route.label,
)
def test_signed_in_user_without_membership_is_sent_to_no_membership(client, db, route):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(route.path)
    assert response.status_code == 302, f"{route.label} answered {response.status_code}"
    assert response["Location"] == reverse("accounts:no_membership")


def test_no_membership_page_explains_and_refuses(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("accounts:no_membership"))
    assert response.status_code == 403


def test_deactivated_membership_counts_as_no_membership(client, mediator):
    mediator.is_active = False
    mediator.save(update_fields=["is_active"])
    client.force_login(mediator.user)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:no_membership")


def test_static_files_are_public(db):
    """Static files never reach the URL conf: WhiteNoise serves them to anyone."""
    from django.test import Client, override_settings

    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=False):
        client = Client()  # a fresh client builds its middleware with these settings
        css = client.get("/static/tisser/tisser.css")
        missing = client.get("/static/tisser/absent.css")
    assert css.status_code == 200
    assert css["Content-Type"].startswith("text/css")
    assert missing.status_code == 404
