"""Scoring of every item type, with hypothesis where the input space is large."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tisser.exercises.content import catalogue
from tisser.exercises.scoring import InvalidResponse, normalised, score


def definition(key):
    return catalogue()[key].definition


# --- choice -------------------------------------------------------------------------------


def test_single_choice_right_and_wrong():
    item = definition("choix-bouton-envoyer")
    assert score(item, {"selected": ["envoyer"]}).correct
    wrong = score(item, {"selected": ["corbeille"]})
    assert not wrong.correct and wrong.score == Decimal("0")


def test_single_choice_refuses_two_answers_and_unknown_ones():
    item = definition("choix-bouton-envoyer")
    with pytest.raises(InvalidResponse):
        score(item, {"selected": ["envoyer", "corbeille"]})
    with pytest.raises(InvalidResponse):
        score(item, {"selected": ["inconnu"]})
    with pytest.raises(InvalidResponse):
        score(item, {"selected": []})


def test_multiple_choice_partial_credit():
    item = definition("choix-mot-de-passe-solide")
    assert score(item, {"selected": ["phrase", "melange"]}).score == Decimal("1.00")
    half = score(item, {"selected": ["phrase"]})
    assert not half.correct and half.score == Decimal("0.50")
    # One right, one wrong ticked: the wrong one cancels the right one.
    assert score(item, {"selected": ["phrase", "date"]}).score == Decimal("0.00")
    assert score(item, {"selected": ["date", "prenom"]}).score == Decimal("0.00")


@given(st.sets(st.sampled_from(["date", "phrase", "prenom", "melange"]), min_size=1))
def test_multiple_choice_is_right_only_for_the_exact_set(selected):
    result = score(definition("choix-mot-de-passe-solide"), {"selected": sorted(selected)})
    assert result.correct == (selected == {"phrase", "melange"})
    assert Decimal(0) <= result.score <= Decimal(1)


# --- yes / no -----------------------------------------------------------------------------


def test_yes_no():
    item = definition("oui-non-cadenas")
    assert score(item, {"answer": True}).correct
    assert not score(item, {"answer": False}).correct
    with pytest.raises(InvalidResponse):
        score(item, {"answer": "peut-être"})


# --- zone ---------------------------------------------------------------------------------


def test_zone_by_button_or_by_a_tap_on_the_picture():
    item = definition("zone-appli-messages")
    assert score(item, {"zone": "messages"}).correct
    assert score(item, {"x": 145, "y": 235}).correct  # the middle of the blue bubble
    assert not score(item, {"x": 55, "y": 235}).correct  # the phone app
    outside = score(item, {"x": 100, "y": 20})  # the clock: no zone
    assert not outside.correct and outside.details["zone"] is None
    with pytest.raises(InvalidResponse):
        score(item, {"x": 500, "y": 20})
    with pytest.raises(InvalidResponse):
        score(item, {"zone": "ailleurs"})


@given(st.floats(0, 200), st.floats(0, 300))
def test_zone_right_exactly_inside_the_right_rectangle(x, y):
    result = score(definition("zone-appli-messages"), {"x": x, "y": y})
    assert result.correct == (110 <= x <= 180 and 200 <= y <= 270)


# --- order --------------------------------------------------------------------------------

STEPS = ["ouvrir", "contact", "photo", "envoyer"]


def test_order_right_neighbours_swapped_and_reversed():
    item = definition("ordre-envoyer-photo")
    assert score(item, {"order": STEPS}).score == Decimal("1.00")
    swapped = score(item, {"order": ["contact", "ouvrir", "photo", "envoyer"]})
    assert not swapped.correct and swapped.score == Decimal("0.83")
    assert score(item, {"order": STEPS[::-1]}).score == Decimal("0.00")


def test_order_refuses_a_step_twice_or_missing():
    item = definition("ordre-envoyer-photo")
    with pytest.raises(InvalidResponse):
        score(item, {"order": ["ouvrir", "ouvrir", "photo", "envoyer"]})
    with pytest.raises(InvalidResponse):
        score(item, {"order": ["ouvrir", "photo", "envoyer"]})


@given(st.permutations(STEPS))
def test_order_score_counts_pairs_in_order(order):
    result = score(definition("ordre-envoyer-photo"), {"order": list(order)})
    assert result.correct == (list(order) == STEPS)
    assert (result.score == Decimal("1.00")) == result.correct
    assert Decimal(0) <= result.score <= Decimal(1)
    rank = {step: index for index, step in enumerate(STEPS)}
    good = sum(rank[order[i]] < rank[order[j]] for i in range(4) for j in range(i + 1, 4))
    assert result.score == (Decimal(good) / 6).quantize(Decimal("0.01"))
    assert result.details["placed"] == [a == b for a, b in zip(order, STEPS)]


# --- form ---------------------------------------------------------------------------------

RIGHT_FORM = {
    "nom": "Martin",
    "prenom": "Élise",
    "code_postal": "67000",
    "telephone": "06 12 34 56 78",
    "situation": "Demandeur d'emploi",
}


def test_form_rules_exact_normalised_and_pattern():
    item = definition("formulaire-compte-caf")
    assert score(item, {"fields": RIGHT_FORM}).correct
    tolerant = {**RIGHT_FORM, "nom": " MARTIN ", "prenom": "elise", "telephone": "0612345678"}
    assert score(item, {"fields": tolerant}).correct
    wrong = score(item, {"fields": {**RIGHT_FORM, "code_postal": "67 000", "telephone": "0123"}})
    assert not wrong.correct
    assert wrong.score == Decimal("0.60")
    assert wrong.details["fields"] == {
        "nom": True,
        "prenom": True,
        "code_postal": False,
        "telephone": False,
        "situation": True,
    }


def test_form_missing_fields_are_wrong_and_an_empty_form_is_no_answer():
    result = score(definition("formulaire-compte-caf"), {"fields": {"nom": "Martin"}})
    assert result.score == Decimal("0.20") and not result.correct
    with pytest.raises(InvalidResponse):
        score(definition("formulaire-compte-caf"), {"fields": {"nom": " ", "prenom": ""}})


@given(st.dictionaries(st.sampled_from(sorted(RIGHT_FORM)), st.text(max_size=30)))
def test_form_score_is_the_share_of_fields_right(changes):
    values = {**RIGHT_FORM, **changes}
    assume(any(value.strip() for value in values.values()))
    result = score(definition("formulaire-compte-caf"), {"fields": values})
    checks = result.details["fields"]
    assert result.score == (Decimal(sum(checks.values())) / 5).quantize(Decimal("0.01"))
    assert result.correct == all(checks.values())
    for name, value in changes.items():
        if value.strip() == RIGHT_FORM[name]:
            assert checks[name]


@given(st.text(alphabet="MARTINmartinÉé -.", max_size=12))
def test_normalised_rule_ignores_case_accents_and_separators(typed):
    expected = normalised(typed) == "martin"
    item = definition("formulaire-compte-caf")
    result = score(item, {"fields": {**RIGHT_FORM, "nom": typed}})
    assert result.details["fields"]["nom"] == expected


# --- mailbox ------------------------------------------------------------------------------


def test_mailbox_tasks():
    assert score(definition("messagerie-arnaque-colis"), {"reported": "colis"}).correct
    assert not score(definition("messagerie-arnaque-colis"), {"reported": "mairie"}).correct
    assert score(definition("messagerie-ouvrir-medecin"), {"opened": "medecin"}).correct
    assert not score(definition("messagerie-ouvrir-medecin"), {"opened": "banque"}).correct
    assert score(definition("messagerie-piece-jointe"), {"attachment": "energie"}).correct
    assert not score(definition("messagerie-piece-jointe"), {"attachment": "ecole"}).correct
    with pytest.raises(InvalidResponse):  # that message has no attachment
        score(definition("messagerie-piece-jointe"), {"attachment": "pub"})
    with pytest.raises(InvalidResponse):  # the answer of another task
        score(definition("messagerie-piece-jointe"), {"opened": "energie"})


# --- typing -------------------------------------------------------------------------------

TEXT = "Bonjour, je voudrais un rendez-vous."


def test_typing_tolerates_what_the_item_says():
    item = definition("taper-adresse-mail")
    assert score(item, {"typed": TEXT}).correct
    assert score(item, {"typed": "  bonjour,  JE voudrais un rendez-vous. "}).correct
    one_typo = score(item, {"typed": "Bonjour, je voudrais un rendez-vou."})
    assert one_typo.correct and one_typo.details["errors"] == 1  # max_errors: 1
    two = score(item, {"typed": "Bonjour, je voudrai un rendez-vou."})
    assert not two.correct and two.details["errors"] == 2
    assert score(item, {"typed": "xyz"}).score == Decimal("0.03")  # 35 errors in 36
    with pytest.raises(InvalidResponse):  # nothing typed is no answer
        score(item, {"typed": "   "})


def test_typing_strict_item_counts_accents_and_case():
    strict = {
        "type": "typing",
        "content": {"text": "Élise", "tolerate": {"accents": False, "case": False}},
    }
    assert score(strict, {"typed": "Élise"}).correct
    assert score(strict, {"typed": "Elise"}).details["errors"] == 1
    assert score(strict, {"typed": "élise"}).details["errors"] == 1


@given(st.text(max_size=60).filter(str.strip))
def test_typing_score_falls_with_the_edit_distance(typed):
    result = score(definition("taper-adresse-mail"), {"typed": typed})
    assert Decimal(0) <= result.score <= Decimal(1)
    assert result.correct == (result.details["errors"] <= 1)
    if result.details["errors"] == 0:
        assert result.score == Decimal("1.00")


@given(st.text(alphabet="abcdefghij ", min_size=1, max_size=40), st.integers(0, 39))
def test_typing_one_deleted_letter_is_one_error(text, position):
    item = {"type": "typing", "content": {"text": text, "tolerate": {"spaces": False}}}
    position = position % len(text)
    typed = text[:position] + text[position + 1 :]
    assume(typed.strip())
    assert score(item, {"typed": typed}).details["errors"] == 1


# --- pointer ------------------------------------------------------------------------------


def test_pointer_done_with_misses_loses_a_tenth_each_down_to_a_half():
    item = definition("geste-toucher")
    assert score(item, {"done": True, "misses": 0}).score == Decimal("1.00")
    assert score(item, {"done": True, "misses": 2}).score == Decimal("0.80")
    assert score(item, {"done": True, "misses": 12}).score == Decimal("0.50")
    assert score(item, {"done": True, "misses": 3, "mode": "tap"}).correct
    with pytest.raises(InvalidResponse):
        score(item, {"done": False})
    with pytest.raises(InvalidResponse):
        score(item, {"done": True, "misses": -1})
