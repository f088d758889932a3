"""The adaptive rules (decision 0052, "Adaptive rules"): start, climb, stop, skipped domains,
resume by replay, the number of items — on a synthetic bank, no database."""

import itertools
import random

import pytest

from tests.diagnostics.banks import DOMAINS, NOT_JOBSEEKER, synthetic_bank, synthetic_items
from tisser.diagnostics import adaptive, framework
from tisser.diagnostics.adaptive import (
    MAX_ITEMS,
    MIN_ITEMS,
    BankItem,
    ItemBank,
    Response,
    estimate,
    next_item,
)


def answer(item: BankItem, correct: bool) -> Response:
    return Response(item.key, item.domain, item.level, correct)


def take(bank, domains, answers_right, history=()):
    """A whole sitting; `answers_right(item)` says whether the person gets an item right."""
    history = list(history)
    while (item := next_item(bank, domains, history)) is not None:
        history.append(answer(item, answers_right(item)))
        assert len(history) <= MAX_ITEMS
    return history


def knows_up_to(levels):
    """A person who answers right exactly the items at or below their level in each domain."""
    return lambda item: item.level <= levels[item.domain]


def noisy(levels, rng):
    """The simulator's person: right 90 % of the time at or below their level, else by guess."""

    def answers_right(item):
        at_or_below = item.level <= levels[item.domain]
        return rng.random() < (0.9 if at_or_below else item.guess_rate)

    return answers_right


def domain_answers(history, domain):
    return [response for response in history if response.domain == domain]


# --- start ---------------------------------------------------------------------------------


def test_the_sitting_starts_at_level_1_of_the_first_domain_with_the_least_guessable_item():
    bank = synthetic_bank()

    first = next_item(bank, DOMAINS, [])

    assert first.domain == "appareil"
    assert first.level == adaptive.START_LEVEL == 1
    # Of the two level-1 items (typed answer and yes/no), the one a guess cannot pass.
    assert first.guess_rate == 0.0


def test_every_domain_starts_at_level_1():
    bank = synthetic_bank()
    rng = random.Random(4)
    for _ in range(50):
        levels = {domain: rng.randrange(5) for domain in DOMAINS}
        history = take(bank, DOMAINS, knows_up_to(levels))
        for domain in DOMAINS:
            assert domain_answers(history, domain)[0].level == 1


def test_a_domain_without_level_1_items_starts_at_the_nearest_level():
    items = [item for item in synthetic_items() if (item.domain, item.level) != ("appareil", 1)]
    bank = ItemBank(items)

    first = next_item(bank, ["appareil"], [])

    assert first.level == 2


# --- climb -----------------------------------------------------------------------------------


def test_a_success_climbs_and_a_failure_goes_down():
    bank = synthetic_bank()
    domains = ["appareil"]
    first = next_item(bank, domains, [])

    after_success = next_item(bank, domains, [answer(first, True)])
    assert after_success.level > first.level

    climbed = [answer(first, True), answer(after_success, True)]
    assert next_item(bank, domains, climbed).level > after_success.level

    failed = [answer(first, True), answer(after_success, False)]
    assert next_item(bank, domains, failed).level <= after_success.level

    failed_first = [answer(first, False)]
    assert next_item(bank, domains, failed_first).level <= first.level


def test_the_staircase_holds_in_every_domain_of_many_sittings():
    """After a success the domain's next item is never easier, after a failure never harder."""
    bank = synthetic_bank()
    rng = random.Random(7)
    for _ in range(100):
        levels = {domain: rng.randrange(5) for domain in DOMAINS}
        history = take(bank, DOMAINS, noisy(levels, rng))
        for domain in DOMAINS:
            mine = domain_answers(history, domain)
            for before, after in itertools.pairwise(mine):
                ahead = (
                    after.level >= before.level if before.correct else after.level <= before.level
                )
                if not ahead:
                    # Only when no item is left that way (then the most telling one left).
                    asked = {response.key for response in history[: history.index(after)]}
                    left_that_way = [
                        item
                        for level in range(5)
                        for item in bank.cell(domain, level)
                        if item.key not in asked
                        and (level >= before.level if before.correct else level <= before.level)
                    ]
                    assert left_that_way == []


def test_the_estimate_follows_the_answers():
    bank = synthetic_bank()
    for level in range(5):
        levels = dict.fromkeys(DOMAINS, level)
        history = take(bank, DOMAINS, knows_up_to(levels))
        assert estimate(bank, DOMAINS, history) == levels


def test_without_answers_a_domain_is_at_level_0():
    assert estimate(synthetic_bank(), DOMAINS, []) == dict.fromkeys(DOMAINS, 0)


# --- stop ------------------------------------------------------------------------------------


def test_two_failures_at_level_1_stop_the_domain():
    bank = synthetic_bank()
    two_failures = [answer(item, False) for item in bank.cell("informations", 1)]
    levels = dict.fromkeys(DOMAINS, 2)

    history = take(bank, DOMAINS, knows_up_to(levels), history=two_failures)

    assert domain_answers(history, "informations") == two_failures
    assert estimate(bank, DOMAINS, history)["informations"] == 0


def test_a_person_at_level_0_is_found_at_level_0():
    bank = synthetic_bank()
    levels = dict.fromkeys(DOMAINS, 2) | {"appareil": 0}

    history = take(bank, DOMAINS, knows_up_to(levels))

    # One typed answer failed at level 1 already leaves little doubt with so many other
    # domains to ask: the item budget goes to them.
    assert [(r.level, r.correct) for r in domain_answers(history, "appareil")] == [(1, False)]
    assert estimate(bank, DOMAINS, history) == levels


def test_a_settled_domain_gets_no_more_items_while_others_are_open():
    bank = synthetic_bank()
    levels = dict.fromkeys(DOMAINS, 1) | {"appareil": 4}
    history = take(bank, DOMAINS, knows_up_to(levels))
    beliefs_after = adaptive.beliefs(bank, DOMAINS, history)
    for index, response in enumerate(history):
        before = adaptive.beliefs(bank, DOMAINS, history[:index])
        # An item is only ever asked in a domain that is not settled yet, unless every
        # domain is settled before the minimum number of items.
        if max(before[response.domain]) >= adaptive.CERTAIN:
            assert all(max(belief) >= adaptive.CERTAIN for belief in before.values())
            assert index < MIN_ITEMS
    assert max(beliefs_after["appareil"]) >= adaptive.CERTAIN


@pytest.mark.parametrize("domains", [DOMAINS, NOT_JOBSEEKER], ids=["jobseeker", "other"])
def test_a_sitting_has_18_to_24_items_none_asked_twice(domains):
    bank = synthetic_bank()
    rng = random.Random(11)
    for _ in range(100):
        levels = {domain: rng.choices(range(5), weights=adaptive.PRIOR)[0] for domain in domains}
        history = take(bank, domains, noisy(levels, rng))
        assert MIN_ITEMS <= len(history) <= MAX_ITEMS
        keys = [response.key for response in history]
        assert len(set(keys)) == len(keys)


def test_a_small_bank_ends_the_sitting_when_its_items_run_out():
    bank = synthetic_bank(["appareil"])

    history = take(bank, ["appareil"], lambda item: True)

    assert len(history) == 10  # all the domain's items, fewer than MIN_ITEMS
    assert next_item(bank, ["appareil"], history) is None


def test_the_sitting_stops_at_18_items_once_every_domain_is_settled():
    bank = synthetic_bank(per_cell=4)

    history = take(bank, DOMAINS, lambda item: False)  # fails everything: all at level 0

    assert len(history) == MIN_ITEMS
    assert estimate(bank, DOMAINS, history) == dict.fromkeys(DOMAINS, 0)


def test_the_sitting_stops_at_24_items_when_answers_stay_unclear():
    bank = synthetic_bank(per_cell=4)
    rng = random.Random(1)

    history = take(bank, DOMAINS, lambda item: rng.random() < 0.5)

    assert len(history) == MAX_ITEMS
    assert next_item(bank, DOMAINS, history) is None


# --- domains not relevant ----------------------------------------------------------------------


def test_the_job_domain_is_skipped_for_a_person_who_is_not_a_jobseeker():
    bank = synthetic_bank()  # the bank holds emploi items
    rng = random.Random(2)
    for _ in range(30):
        history = take(bank, NOT_JOBSEEKER, lambda item: rng.random() < 0.6)
        assert all(response.domain != "emploi" for response in history)
        assert set(estimate(bank, NOT_JOBSEEKER, history)) == set(NOT_JOBSEEKER)


def test_a_jobseeker_is_asked_about_every_domain():
    bank = synthetic_bank()
    history = take(bank, DOMAINS, lambda item: item.level <= 2)
    assert {response.domain for response in history} == set(DOMAINS)


# --- resume ----------------------------------------------------------------------------------


def test_replaying_the_answers_gives_the_same_items_with_a_fresh_bank():
    """The page resumes by replaying the sitting's answers: every prefix gives the same next
    item, whether the bank is the one that ran the sitting or a new one (no hidden state)."""
    rng = random.Random(3)
    history = take(synthetic_bank(), DOMAINS, lambda item: rng.random() < 0.5)
    adaptive._MEMOS.clear()  # what the sitting's process computed is gone (a restart)
    fresh = synthetic_bank()
    for index in range(len(history)):
        assert next_item(fresh, DOMAINS, history[:index]).key == history[index].key
    assert next_item(fresh, DOMAINS, history) is None


def test_a_repeated_answer_counts_once():
    bank = synthetic_bank()
    first = next_item(bank, DOMAINS, [])
    once = [answer(first, False)]
    twice = [answer(first, False), answer(first, True)]

    assert next_item(bank, DOMAINS, twice) == next_item(bank, DOMAINS, once)
    assert estimate(bank, DOMAINS, twice) == estimate(bank, DOMAINS, once)


def test_an_answer_to_an_item_no_longer_in_the_form_still_counts():
    bank = synthetic_bank()
    gone = Response("diag-appareil-old", "appareil", 3, True)

    item = next_item(bank, DOMAINS, [gone])

    assert item is not None and item.key != gone.key
    assert estimate(bank, DOMAINS, [gone])["appareil"] >= 1


# --- the real forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["entry", "exit"])
def test_the_rules_run_on_the_real_forms(kind):
    bank = framework.form_bank(kind)
    every = [domain.code for domain in framework.domains()]
    not_jobseeker = [domain.code for domain in framework.domains() if not domain.jobseekers_only]
    assert "emploi" in every and "emploi" not in not_jobseeker
    rng = random.Random(8)
    for domains in (every, not_jobseeker):
        for _ in range(20):
            levels = {domain: rng.randrange(5) for domain in domains}
            history = take(bank, domains, noisy(levels, rng))
            assert MIN_ITEMS <= len(history) <= MAX_ITEMS
            assert {response.domain for response in history} == set(domains)
            for domain in domains:
                assert domain_answers(history, domain)[0].level == 1
            assert set(estimate(bank, domains, history)) == set(domains)
