"""The demo answers every item of both forms for real: a right response the engine scores
right, a wrong one it scores wrong (else « Je ne sais pas »)."""

import random

import pytest

from tisser.diagnostics import demo, framework
from tisser.exercises import examples, scoring

ITEMS = [item for kind in framework.KINDS for item in framework.form_items(kind)]


def test_both_forms_have_items():
    assert len(ITEMS) >= 2 * 6 * 5 * 2


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.key)
def test_the_demos_right_and_wrong_responses_score_as_meant(item):
    right = examples.right_response(item)
    assert scoring.score(item.definition, right).correct, right
    if item.type == "form":  # what the team reads back is what a person would type
        patterns = [f["name"] for f in item.content["fields"] if f["rule"]["kind"] == "pattern"]
        assert not any(examples.REGEX_SIGNS.search(right["fields"][name]) for name in patterns)
    given = demo._answer(item, False, random.Random(1))
    assert not given.correct
    if "dont_know" not in given.response:
        assert not scoring.score(item.definition, given.response).correct
