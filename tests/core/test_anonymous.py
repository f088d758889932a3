import pytest
from django import forms
from django.test import RequestFactory

from tests.core.fake_clock import START
from tisser.core.anonymous import AnonymousFormGuard, HoneypotMixin, Verdict, client_identity

GUARD = AnonymousFormGuard(scope="test-anonymous", limit=2, window_seconds=60 * 60)


class NameForm(HoneypotMixin, forms.Form):
    name = forms.CharField()


def request_from(address="198.51.100.7"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("address", "identity"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", "unknown"),
    ],
)
def test_an_ipv6_subscriber_is_one_identity_whatever_address_of_its_block(address, identity):
    assert client_identity(request_from(address)) == identity


def test_a_forwarded_header_typed_by_the_client_is_ignored():
    request = RequestFactory().post(
        "/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert client_identity(request) == "198.51.100.7"


def test_the_honeypot_is_hidden_from_people_and_caught_robots():
    form = NameForm({"name": "Awa"})
    assert [field.name for field in form.visible_fields()] == ["name"]
    assert GUARD.screen(request_from(), form, now=START) is Verdict.VALID
    robot = NameForm({"name": "Awa", "site_web": "http://spam.example"})
    assert GUARD.screen(request_from(), robot, now=START) is Verdict.ROBOT


def test_mistakes_are_free_robots_and_valid_forms_count():
    for _ in range(5):
        assert GUARD.screen(request_from(), NameForm({}), now=START) is Verdict.INVALID
    robot = NameForm({"site_web": "x"})
    assert GUARD.screen(request_from(), robot, now=START) is Verdict.ROBOT
    assert GUARD.screen(request_from(), NameForm({"name": "a"}), now=START) is Verdict.VALID
    limited = GUARD.screen(request_from(), NameForm({"name": "a"}), now=START)
    assert limited is Verdict.RATE_LIMITED
    # A neighbour on another address is not affected.
    other = GUARD.screen(request_from("198.51.100.8"), NameForm({"name": "a"}), now=START)
    assert other is Verdict.VALID


def test_an_ipv6_attacker_cannot_hop_addresses_within_its_block():
    for suffix in ("1", "2"):
        form = NameForm({"name": "a"})
        assert GUARD.screen(request_from(f"2001:db8::{suffix}"), form, now=START) is Verdict.VALID
    form = NameForm({"name": "a"})
    assert GUARD.screen(request_from("2001:db8::3"), form, now=START) is Verdict.RATE_LIMITED


WIDE_GUARD = AnonymousFormGuard(
    scope="test-anonymous-wide",
    limit=2,
    window_seconds=60 * 60,
    network_limit=3,
    overall_limit=6,
)


def test_hopping_subscriber_blocks_within_one_ipv6_48_hits_the_network_limit():
    verdicts = [
        WIDE_GUARD.screen(
            request_from(f"2001:db8:0:{block}::1"), NameForm({"name": "a"}), now=START
        )
        for block in range(1, 6)
    ]
    assert verdicts == [Verdict.VALID] * 3 + [Verdict.RATE_LIMITED] * 2
    # Another provider's network is still served (within the overall limit).
    other = WIDE_GUARD.screen(request_from("2001:db9::1"), NameForm({"name": "a"}), now=START)
    assert other is Verdict.VALID


def test_the_overall_limit_holds_whatever_the_addresses():
    verdicts = [
        WIDE_GUARD.screen(request_from(f"198.51.100.{n}"), NameForm({"name": "a"}), now=START)
        for n in range(1, 9)
    ]
    assert verdicts == [Verdict.VALID] * 6 + [Verdict.RATE_LIMITED] * 2
