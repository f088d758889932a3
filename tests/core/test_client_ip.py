"""The client's address behind a reverse proxy: one function for Tisser's limits and allauth's."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import ratelimit as allauth_ratelimit
from django.test import RequestFactory

from tests.core.fake_clock import START
from tests.core.test_ratelimit import redis_cache  # noqa: F401  (fixture)
from tisser.core.anonymous import AnonymousFormGuard, client_identity
from tisser.core.client_ip import client_ip

PROXY = "10.0.0.2"  # nginx on the private network: every request arrives from it
GUARD = AnonymousFormGuard(scope="test-client-ip", limit=2, window_seconds=60 * 60)


def through_proxy(forwarded: str | None, remote=PROXY):
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().post("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1


def test_without_the_setting_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HEADER = ""
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(through_proxy("192.0.2.1", remote="198.51.100.7")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),
        # The client typed its own X-Forwarded-For; nginx appended what it saw.
        ("192.0.2.66, 203.0.113.5", "203.0.113.5"),
        ("192.0.2.66,192.0.2.67,203.0.113.5", "203.0.113.5"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:4431", "2001:db8::1"),
        # Not through the proxy, or nonsense written there: the proxy's own address.
        (None, PROXY),
        ("", PROXY),
        ("not-an-address", PROXY),
    ],
)
def test_behind_one_proxy_the_address_it_appended_counts(behind_one_proxy, forwarded, expected):
    assert client_ip(through_proxy(forwarded)) == expected


def test_behind_two_proxies_the_second_entry_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 2
    # client forged 192.0.2.66, the load balancer saw 203.0.113.5, nginx saw the balancer.
    request = through_proxy("192.0.2.66, 203.0.113.5, 10.0.0.1")
    assert client_ip(request) == "203.0.113.5"
    # Fewer entries than proxies: the request did not come through both.
    assert client_ip(through_proxy("203.0.113.5")) == PROXY


def test_another_header_such_as_x_real_ip(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert client_ip(request) == "203.0.113.5"


def test_the_anonymous_guard_counts_each_visitor_behind_the_proxy_apart(behind_one_proxy):
    alice, bob = "203.0.113.5", "198.51.100.9"
    assert client_identity(through_proxy(alice)) == alice
    assert GUARD.allow(through_proxy(alice), now=START)
    assert GUARD.allow(through_proxy(alice), now=START)
    assert not GUARD.allow(through_proxy(alice), now=START)
    # Bob shares the proxy's REMOTE_ADDR but not Alice's limit.
    assert GUARD.allow(through_proxy(bob), now=START)
    # Alice cannot slip out by typing an address of her own in front.
    assert client_identity(through_proxy(f"192.0.2.66, {alice}")) == alice
    assert not GUARD.allow(through_proxy(f"192.0.2.66, {alice}"), now=START)


def test_allauth_asks_tisser_for_the_address(behind_one_proxy):
    request = through_proxy("192.0.2.66, 203.0.113.5")
    assert get_adapter(request).get_client_ip(request) == "203.0.113.5"


def test_allauth_limits_per_visitor_behind_the_proxy_are_shared_in_redis(
    behind_one_proxy,
    redis_cache,  # noqa: F811
    settings,
):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "3/m/ip"}
    alice, bob = "203.0.113.5", "198.51.100.9"
    for _ in range(3):
        assert allauth_ratelimit.consume(through_proxy(alice), action="reset_password")
    assert not allauth_ratelimit.consume(through_proxy(alice), action="reset_password")
    forged = through_proxy(f"192.0.2.66, {alice}")
    assert not allauth_ratelimit.consume(forged, action="reset_password")
    assert allauth_ratelimit.consume(through_proxy(bob), action="reset_password")
    # The counts live in Redis (every process and machine reads them), not in this process.
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert list(redis_cache.scan_iter(f"{prefix}:*")), "allauth wrote nothing to Redis"
