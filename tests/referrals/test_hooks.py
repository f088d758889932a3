"""The referral app's hook: marking "came" announces ``referral.consumed`` in its transaction;
a failing subscriber rolls the transition back."""

import pytest
from django.db import transaction

from tests.referrals.actions import S, perform, prepare
from tisser.core import hooks
from tisser.referrals import transitions as t
from tisser.referrals.hooks import REFERRAL_CONSUMED
from tisser.referrals.models import Referral


@pytest.fixture
def subscriber():
    calls = []

    def record(**payload):
        calls.append(payload)

    hooks.subscribe(REFERRAL_CONSUMED)(record)
    yield calls
    hooks.unsubscribe(REFERRAL_CONSUMED, record)


def test_marking_came_tells_subscribers_once_with_the_file(world, subscriber):
    referral = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    assert len(subscriber) == 1
    assert subscriber[0]["referral"] == referral
    assert subscriber[0]["beneficiary"] == referral.beneficiary
    assert subscriber[0]["actor"] == world.manager


def test_other_transitions_announce_nothing(world, subscriber):
    perform(t.REJECT, world, prepare(world, S.SUBMITTED))
    assert subscriber == []


def test_a_failing_subscriber_rolls_the_transition_back(world):
    referral = prepare(world, S.ACCEPTED)

    def refuse(**payload):
        raise RuntimeError("the higher app refused")

    hooks.subscribe(REFERRAL_CONSUMED)(refuse)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            perform(t.MARK_CAME, world, referral)
    finally:
        hooks.unsubscribe(REFERRAL_CONSUMED, refuse)
    assert Referral.objects.get(pk=referral.pk).status == S.ACCEPTED
    assert Referral.objects.get(pk=referral.pk).beneficiary is None
