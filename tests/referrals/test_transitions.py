"""The referral state machine: the table, every allowed move, every refused one, the roles.

Each allowed transition writes one history row and one journal entry and queues its
messages; each refused one raises DomainError and changes nothing (referral, history,
appointments, journal, messages).
"""

import itertools
import threading

import pytest
from django.db import connection

from tests.referrals.actions import (
    ACTIONS,
    DEFAULT_ACTOR,
    S,
    perform,
    prepare,
    queued,
    state_of,
    target_of,
)
from tisser.accounts.enums import HabilitationStatus
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.referrals import transitions as t
from tisser.referrals.models import ReferralEvent

JOURNAL_CODE = {
    t.SUBMIT: "referral.submitted",
    t.MODERATION_APPROVE: "referral.moderation_approved",
    t.MODERATION_REJECT: "referral.moderation_rejected",
    t.ACCEPT: "referral.accepted",
    t.REJECT: "referral.rejected",
    t.REBOOK: "referral.rebooked",
    t.MARK_CAME: "referral.consumed",
    t.MARK_NO_SHOW: "referral.no_show",
    t.CANCEL: "referral.cancelled",
    t.EXPIRE: "referral.expired",
    t.TRANSFER: "referral.transferred",
}
# The lifecycle of the issue, written out independently of the code's table.
EXPECTED_TABLE = {
    (S.DRAFT, S.SUBMITTED): {t.SUBMIT},
    (S.DRAFT, S.MODERATION_PENDING): {t.SUBMIT},
    (S.DRAFT, S.CANCELLED): {t.CANCEL},
    (S.MODERATION_PENDING, S.SUBMITTED): {t.MODERATION_APPROVE},
    (S.MODERATION_PENDING, S.MODERATION_REJECTED): {t.MODERATION_REJECT},
    (S.MODERATION_PENDING, S.CANCELLED): {t.CANCEL},
    (S.SUBMITTED, S.SUBMITTED): {t.TRANSFER},
    (S.SUBMITTED, S.ACCEPTED): {t.ACCEPT},
    (S.SUBMITTED, S.REJECTED): {t.REJECT},
    (S.SUBMITTED, S.EXPIRED): {t.EXPIRE},
    (S.SUBMITTED, S.CANCELLED): {t.CANCEL},
    (S.ACCEPTED, S.ACCEPTED): {t.REBOOK, t.MARK_NO_SHOW},
    (S.ACCEPTED, S.CONSUMED): {t.MARK_CAME},
    (S.ACCEPTED, S.EXPIRED): {t.EXPIRE},
    (S.ACCEPTED, S.CANCELLED): {t.CANCEL},
}
PAIRS = list(itertools.product(S.values, S.values))


def driver(from_status, to_status):
    """The action whose target is ``to_status`` (preferring the one the table allows)."""
    validated = to_status != S.MODERATION_PENDING
    candidates = [
        action
        for action in ACTIONS
        if target_of(action, from_status, partner_validated=validated) == to_status
    ]
    allowed = [a for a in candidates if t.is_allowed(from_status, to_status, a)]
    return (allowed or candidates or [None])[0]


def test_the_table_is_the_lifecycle_of_the_issue():
    assert {pair: set(actions) for pair, actions in t.TRANSITIONS.items()} == EXPECTED_TABLE


def test_final_statuses_have_no_way_out():
    for status in (S.REJECTED, S.EXPIRED, S.CANCELLED, S.CONSUMED, S.MODERATION_REJECTED):
        assert t.allowed_actions(status) == frozenset()
    assert not any(target == S.DRAFT for _source, target in t.TRANSITIONS)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS, ids=lambda v: str(v))
def test_every_from_to_pair(world, from_status, to_status):
    allowed = (from_status, to_status) in EXPECTED_TABLE
    action = driver(from_status, to_status)
    if action is None:
        # Only "draft" has no action leading to it: a referral never goes back to draft.
        assert to_status == S.DRAFT
        assert not allowed
        return
    if to_status == S.MODERATION_PENDING:
        world.partner.habilitation_status = HabilitationStatus.NOT_SET
        world.partner.save()
    referral = prepare(world, from_status)
    before = state_of(referral)
    events_before = ReferralEvent.objects.filter(referral=referral).count()

    if not allowed:
        with pytest.raises(DomainError) as refused:
            perform(action, world, referral)
        assert "plus possible" in refused.value.message
        assert state_of(referral) == before
        return

    perform(action, world, referral)
    referral.refresh_from_db()
    assert referral.status == to_status
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("at", "pk"))
    assert len(events) == events_before + 1
    assert (events[-1].from_status, events[-1].to_status) == (from_status, to_status)
    expected_actor = DEFAULT_ACTOR[action]
    if expected_actor is None:
        assert events[-1].actor is None
    else:
        assert events[-1].actor == getattr(world, expected_actor).user
    entry = JournalEntry.objects.filter(
        object_type="referrals.referral", object_id=str(referral.pk)
    ).first()
    assert entry.action == JOURNAL_CODE[action]
    assert entry.object_type == "referrals.referral"
    assert entry.site_id == referral.site_id
    assert entry.payload["from"] == from_status and entry.payload["to"] == to_status


@pytest.mark.parametrize("from_status", S.values)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_status(world, action, from_status):
    """Each service works exactly from the statuses the table allows it from."""
    referral = prepare(world, from_status)
    before = state_of(referral)
    if action in t.allowed_actions(from_status):
        perform(action, world, referral)
        referral.refresh_from_db()
        assert referral.status == target_of(action, from_status)
        assert JournalEntry.objects.filter(action=JOURNAL_CODE[action]).count() == 1
    else:
        with pytest.raises(DomainError):
            perform(action, world, referral)
        assert state_of(referral) == before


# --- Roles ---------------------------------------------------------------------------------

ACTORS = (
    "referrer",
    "other_referrer",
    "manager",
    "mediator",
    "volunteer",
    "other_manager",
    "admin",
    "foreign_admin",
    "funder_viewer",
)
SITE_SIDE = {"manager", "mediator", "admin"}
WHO_MAY = {
    t.SUBMIT: {"referrer"},
    t.CANCEL: {"referrer"},
    t.MODERATION_APPROVE: {"admin"},
    t.MODERATION_REJECT: {"admin"},
    t.ACCEPT: SITE_SIDE,
    t.REJECT: SITE_SIDE,
    t.REBOOK: SITE_SIDE,
    t.MARK_CAME: SITE_SIDE,
    t.MARK_NO_SHOW: SITE_SIDE,
    t.EXPIRE: set(),  # the system only
    t.TRANSFER: {"manager", "admin"},  # the receiving site's manager, not its mediators
}
START = {
    t.SUBMIT: S.DRAFT,
    t.CANCEL: S.SUBMITTED,
    t.MODERATION_APPROVE: S.MODERATION_PENDING,
    t.MODERATION_REJECT: S.MODERATION_PENDING,
    t.ACCEPT: S.SUBMITTED,
    t.REJECT: S.SUBMITTED,
    t.REBOOK: S.ACCEPTED,
    t.MARK_CAME: S.ACCEPTED,
    t.MARK_NO_SHOW: S.ACCEPTED,
    t.EXPIRE: S.SUBMITTED,
    t.TRANSFER: S.SUBMITTED,
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", ACTIONS)
def test_who_may_perform_each_action(world, action, actor):
    referral = prepare(world, START[action])
    if actor in WHO_MAY[action]:
        perform(action, world, referral, actor=actor)
        referral.refresh_from_db()
        assert referral.status == target_of(action, START[action])
        return
    before = state_of(referral)
    with pytest.raises(DomainError):
        perform(action, world, referral, actor=actor)
    assert state_of(referral) == before


def test_a_cancelled_membership_can_no_longer_act(world):
    referral = prepare(world, S.SUBMITTED)
    world.manager.is_active = False
    world.manager.save()
    with pytest.raises(DomainError, match="rôle"):
        perform(t.ACCEPT, world, referral)


# --- Messages queued with each transition ---------------------------------------------------


def test_submit_tells_the_site_team(world):
    referral = prepare(world, S.DRAFT)
    perform(t.SUBMIT, world, referral)
    assert queued(referral) == [
        ("referral_submitted_site", "site_team", f"referral:{referral.pk}:submitted:site_team")
    ]


def test_submit_to_moderation_tells_nobody_until_approved(world):
    world.partner.habilitation_status = HabilitationStatus.NOT_SET
    world.partner.save()
    referral = prepare(world, S.DRAFT)
    perform(t.SUBMIT, world, referral)
    assert queued(referral) == []
    perform(t.MODERATION_APPROVE, world, referral)
    assert queued(referral) == [
        ("referral_submitted_site", "site_team", f"referral:{referral.pk}:submitted:site_team")
    ]


def test_moderation_reject_tells_the_referrer(world):
    referral = prepare(world, S.MODERATION_PENDING)
    perform(t.MODERATION_REJECT, world, referral)
    key = f"referral:{referral.pk}:moderation_rejected:referrer"
    assert queued(referral) == [("referral_moderation_rejected_referrer", "referrer", key)]


def test_accept_tells_the_person_and_the_referrer(world):
    referral = prepare(world, S.SUBMITTED)
    appointment = perform(t.ACCEPT, world, referral)
    prefix = f"referral:{referral.pk}:accepted:{appointment.pk}"
    assert queued(referral) == [
        ("referral_accepted_person", "person", f"{prefix}:person"),
        ("referral_accepted_referrer", "referrer", f"{prefix}:referrer"),
    ]


def test_reject_tells_the_referrer(world):
    referral = prepare(world, S.SUBMITTED)
    perform(t.REJECT, world, referral)
    key = f"referral:{referral.pk}:rejected:referrer"
    assert queued(referral) == [("referral_rejected_referrer", "referrer", key)]


def test_rebook_tells_the_person_of_the_new_date(world):
    referral = prepare(world, S.ACCEPTED)
    appointment = perform(t.REBOOK, world, referral)
    key = f"referral:{referral.pk}:rebooked:{appointment.pk}:person"
    assert queued(referral) == [("referral_rebooked_person", "person", key)]


@pytest.mark.parametrize(
    ("from_status", "site_told"),
    [
        (S.DRAFT, False),
        (S.MODERATION_PENDING, False),
        (S.SUBMITTED, True),
        (S.ACCEPTED, True),
    ],
)
def test_cancel_tells_the_site_only_if_it_had_received_it(world, from_status, site_told):
    referral = prepare(world, from_status)
    perform(t.CANCEL, world, referral)
    key = f"referral:{referral.pk}:cancelled:site_team"
    expected = [("referral_cancelled_site", "site_team", key)] if site_told else []
    assert queued(referral) == expected


@pytest.mark.parametrize("from_status", [S.SUBMITTED, S.ACCEPTED])
def test_expire_tells_the_referrer(world, from_status):
    referral = prepare(world, from_status)
    perform(t.EXPIRE, world, referral)
    key = f"referral:{referral.pk}:expired:referrer"
    assert queued(referral) == [("referral_expired_referrer", "referrer", key)]


def test_no_show_and_came_send_nothing(world):
    referral = prepare(world, S.ACCEPTED)
    perform(t.MARK_NO_SHOW, world, referral)
    perform(t.MARK_CAME, world, referral)
    assert queued(referral) == []


# --- Concurrency (PostgreSQL) ---------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_answering_at_once_give_one_answer(world):
    """A mediator accepts while the manager refuses: the row lock lets exactly one through."""
    referral = prepare(world, S.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes = []

    def answer(action, actor):
        try:
            barrier.wait(timeout=5)
            perform(action, world, referral, actor=actor)
            outcomes.append(action)
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(t.ACCEPT, "mediator")),
        threading.Thread(target=answer, args=(t.REJECT, "manager")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) in (["accept", "refused"], ["refused", "reject"])
    referral.refresh_from_db()
    assert referral.status == (S.ACCEPTED if "accept" in outcomes else S.REJECTED)
    assert ReferralEvent.objects.filter(referral=referral, from_status=S.SUBMITTED).count() == 1
    assert referral.appointments.count() == (1 if "accept" in outcomes else 0)
