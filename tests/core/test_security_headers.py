"""Security headers on every HTML response, and the production settings that harden cookies."""

import importlib
import re
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.core.test_deny_by_default import EXPECTED_PUBLIC
from tests.core.urlconf import all_routes
from tisser.accounts.enums import Role

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")
REQUIRED_DIRECTIVES = (
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)
PROD_ENV = {
    "SECRET_KEY": "a-long-random-production-secret-for-the-test",
    "DATABASE_URL": "postgres://tisser@db.invalid:5432/tisser",
    "ALLOWED_HOSTS": "tisser.example.org, www.tisser.example.org",
    "REDIS_URL": "redis://cache.invalid:6379/0",
    "VOUCHER_CODE_KEYS": "cHJvZHVjdGlvbi10ZXN0LWtleS0wMDAwMDAwMDAwMDA=",
    "VOUCHER_FINGERPRINT_KEY": "a-long-random-fingerprint-key-for-the-test-0",
}


def assert_hardened_html(response, label=""):
    csp = response["Content-Security-Policy"]
    for directive in REQUIRED_DIRECTIVES:
        assert directive in csp, f"{label}: {directive} missing from {csp}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert NONCE.search(csp), f"{label}: no nonce in {csp}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def nonce_of(response) -> str:
    return NONCE.search(response["Content-Security-Policy"])[1]


@pytest.fixture
def admin_client(login, network, member_factory):
    return login(member_factory(network, Role.NETWORK_ADMIN))


@pytest.mark.parametrize(
    "name", ["website:home", "website:directory", "account_login", "account_reset_password"]
)
def test_public_pages_are_hardened(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_hardened_html(response, name)


@pytest.mark.parametrize(
    "name",
    ["website:home", "website:directory", "website:legal_notice", "website:privacy"],
)
def test_public_website_pages_may_be_cached(client, db, name):
    # (allauth marks its own sign-in forms never_cache, which is right for forms.)
    assert "no-store" not in client.get(reverse(name)).get("Cache-Control", "")


def test_each_request_gets_a_fresh_nonce(client, db):
    nonces = {nonce_of(client.get(reverse("website:home"))) for _ in range(5)}
    assert len(nonces) == 5


def test_the_nonce_offered_to_templates_is_the_one_in_the_header(rf, db):
    from django.http import HttpResponse

    from tisser.core.context_processors import security
    from tisser.core.middleware import SecurityHeadersMiddleware

    seen = {}

    def view(request):
        seen["nonce"] = security(request)["csp_nonce"]
        return HttpResponse("<p>ok</p>", content_type="text/html; charset=utf-8")

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = SecurityHeadersMiddleware(view)(request)
    assert seen["nonce"] == nonce_of(response)


def test_signed_in_pages_are_never_stored(admin_client):
    response = admin_client.get(reverse("workspace:home"))
    assert response.status_code == 200
    assert_hardened_html(response, "workspace:home")
    assert response["Cache-Control"] == "no-store"


def test_public_pages_seen_while_signed_in_are_not_stored_either(admin_client):
    # The header then shows who is signed in: a shared cache must not keep it.
    response = admin_client.get(reverse("website:home"))
    assert response["Cache-Control"] == "no-store"


def test_not_found_page_is_hardened(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert_hardened_html(response, "404")


@pytest.mark.parametrize(
    "route",
    [route for route in all_routes() if route.name not in EXPECTED_PUBLIC],
    ids=lambda route: route.label,
)
def test_every_html_page_of_a_signed_in_member_is_hardened(admin_client, route):
    response = admin_client.get(route.path)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_hardened_html(response, route.label)
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_over_https_with_the_prod_values(client, db, monkeypatch):
    prod = load_prod(monkeypatch, **PROD_ENV)
    with override_settings(
        SECURE_HSTS_SECONDS=prod.SECURE_HSTS_SECONDS,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=prod.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    ):
        response = client.get(reverse("website:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- Production settings ----------------------------------------------------------------


def load_prod(monkeypatch, **env):
    """Import config.settings.prod afresh with exactly these variables set."""
    for name in [*PROD_ENV, "CACHE_URL"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delitem(sys.modules, "config.settings.prod", raising=False)
    module = importlib.import_module("config.settings.prod")
    return importlib.reload(module)


@pytest.fixture
def prod(monkeypatch):
    yield load_prod(monkeypatch, **PROD_ENV)
    sys.modules.pop("config.settings.prod", None)


def test_prod_sends_hsts_and_redirects_to_https(prod):
    assert prod.DEBUG is False
    assert prod.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
    assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert prod.SECURE_SSL_REDIRECT is True
    assert prod.SECURE_CONTENT_TYPE_NOSNIFF is True


def test_prod_cookies_are_secure_httponly_samesite(prod):
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
    assert prod.SESSION_COOKIE_HTTPONLY is True
    assert prod.SESSION_COOKIE_SAMESITE in {"Lax", "Strict"}
    assert prod.CSRF_COOKIE_SAMESITE in {"Lax", "Strict"}


def test_prod_reads_hosts_and_database_from_the_environment(prod):
    assert prod.ALLOWED_HOSTS == ["tisser.example.org", "www.tisser.example.org"]
    assert prod.CSRF_TRUSTED_ORIGINS == [
        "https://tisser.example.org",
        "https://www.tisser.example.org",
    ]
    assert prod.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert PROD_ENV["SECRET_KEY"] == prod.SECRET_KEY


def test_prod_keeps_database_connections_and_checks_them_before_reuse(monkeypatch):
    prod = load_prod(monkeypatch, **PROD_ENV, DB_CONN_MAX_AGE="120")
    assert prod.DATABASES["default"]["CONN_MAX_AGE"] == 120
    assert prod.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    sys.modules.pop("config.settings.prod", None)


def test_prod_shares_one_redis_cache_between_every_process(prod):
    cache = prod.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == PROD_ENV["REDIS_URL"]


def test_prod_reads_sessions_from_the_shared_cache_and_keeps_them_in_the_database(
    prod, db, settings
):
    """A signed-in page reads its session from Redis; a flushed cache signs nobody out."""
    from importlib import import_module

    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    assert prod.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    settings.SESSION_ENGINE = prod.SESSION_ENGINE
    store = import_module(prod.SESSION_ENGINE).SessionStore()
    store["who"] = "médiatrice"
    store.save()
    assert Session.objects.filter(session_key=store.session_key).exists()
    again = import_module(prod.SESSION_ENGINE).SessionStore(store.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert again["who"] == "médiatrice"
    assert len(queries) == 0
    cache.clear()
    assert import_module(prod.SESSION_ENGINE).SessionStore(store.session_key)["who"] == "médiatrice"


def test_prod_accepts_cache_url_instead_of_redis_url(monkeypatch):
    env = {**PROD_ENV, "CACHE_URL": "redis://other.invalid:6379/3"}
    del env["REDIS_URL"]
    prod = load_prod(monkeypatch, **env)
    assert prod.CACHES["default"]["LOCATION"] == "redis://other.invalid:6379/3"
    sys.modules.pop("config.settings.prod", None)


def test_the_health_check_is_not_redirected_to_https(prod, client, db):
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=prod.SECURE_REDIRECT_EXEMPT
    ):
        assert client.get("/").status_code == 301
        assert client.get("/sante/").status_code == 200


@pytest.mark.parametrize("missing", sorted(PROD_ENV))
@pytest.mark.parametrize("value", [None, "", "   "])
def test_prod_refuses_to_start_without_a_required_variable(monkeypatch, missing, value):
    env = dict(PROD_ENV)
    del env[missing]
    if value is not None:
        env[missing] = value
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_prod(monkeypatch, **env)
    sys.modules.pop("config.settings.prod", None)
