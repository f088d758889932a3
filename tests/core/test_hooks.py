"""Domain hooks: declared by the announcing app, subscribed by higher apps, run in the
announcer's transaction."""

import pytest
from django.db import transaction

from tisser.core import hooks

HAPPENED = hooks.declare("test.happened", "A test hook. Payload: value.")


@pytest.fixture
def calls():
    received = []

    def record(**payload):
        received.append(payload)

    hooks.subscribe(HAPPENED)(record)
    yield received
    hooks.unsubscribe(HAPPENED, record)


def test_declared_hooks_list_their_meaning():
    assert hooks.declared()["test.happened"] == "A test hook. Payload: value."
    # The referral app declares its hooks when it is loaded.
    assert "beneficiary" in hooks.declared()["referral.consumed"]


def test_subscribing_to_an_undeclared_hook_fails_loudly():
    with pytest.raises(hooks.HookError, match="Unknown hook"):
        hooks.subscribe("test.hapened")(lambda **payload: None)


@pytest.mark.django_db(transaction=True)
def test_announce_outside_a_transaction_is_a_programming_error(calls):
    with pytest.raises(hooks.HookError, match="transaction"):
        hooks.announce(HAPPENED, value=1)
    assert calls == []


def test_every_subscriber_receives_the_payload_once(db, calls):
    second = []

    def also_record(**payload):
        second.append(payload)

    hooks.subscribe(HAPPENED)(also_record)
    hooks.subscribe(HAPPENED)(also_record)  # subscribing twice changes nothing
    try:
        with transaction.atomic():
            hooks.announce(HAPPENED, value=7)
    finally:
        hooks.unsubscribe(HAPPENED, also_record)
    assert calls == [{"value": 7}]
    assert second == [{"value": 7}]
