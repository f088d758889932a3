"""Scoring of the ``simulation`` type: what the person did (actions in order, fields)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tisser.exercises.content import check_item
from tisser.exercises.scoring import InvalidResponse, score, simulation_elements
from tisser.learning.content import module

RIGHT_FIELDS = {
    "adresse": "Lina.Martin",
    "mot_de_passe": "un-mot-de-passe-long",
    "destinataire": "conseil@agence.exemple.fr",
    "objet": "Mon attestation",
    "texte": "Bonjour, voici mon attestation.",
}
RIGHT_ACTIONS = ["creer", "valider", "ecrire", "joindre", "fichier_attestation", "envoyer"]


def webmail():
    return module("mail-joindre").exercise_item("webmail").definition


def test_the_right_sequence_is_right_with_detours():
    item = webmail()
    assert score(item, {"actions": RIGHT_ACTIONS, "fields": RIGHT_FIELDS}).score == Decimal("1")
    detour = ["aide", "retour_accueil", *RIGHT_ACTIONS[:4], "fichier_attestation", "envoyer"]
    assert score(item, {"actions": detour, "fields": RIGHT_FIELDS}).correct


def test_a_missing_attachment_is_named_in_plain_french():
    result = score(
        webmail(),
        {"actions": ["creer", "valider", "ecrire", "envoyer"], "fields": RIGHT_FIELDS},
    )
    assert not result.correct
    assert result.details["missing"] == [
        "toucher « Joindre un fichier »",
        "choisir le fichier attestation.pdf",
    ]
    assert result.score == Decimal("0.83")  # 10 parts of 12: 6 actions, 5 fields, 1 forbidden


def test_order_counts_and_the_wrong_file_is_a_mistake():
    item = webmail()
    late = ["creer", "valider", "ecrire", "envoyer", "joindre", "fichier_attestation"]
    assert not score(item, {"actions": late, "fields": RIGHT_FIELDS}).correct
    photo = [*RIGHT_ACTIONS[:4], "fichier_photo", "joindre", "fichier_attestation", "envoyer"]
    result = score(item, {"actions": photo, "fields": RIGHT_FIELDS})
    assert not result.correct and result.details["forbidden"] == ["joindre la photo de vacances"]


def test_a_wrong_field_is_not_right():
    result = score(
        webmail(),
        {"actions": RIGHT_ACTIONS, "fields": {**RIGHT_FIELDS, "mot_de_passe": "1234"}},
    )
    assert not result.correct and result.details["fields"]["mot_de_passe"] is False


@pytest.mark.parametrize(
    "response",
    [
        {"actions": []},
        {"actions": ["inconnue"]},
        {"actions": "creer"},
        {"actions": ["creer"], "fields": {"inconnu": "x"}},
        {"actions": ["creer"], "fields": {"adresse": 3}},
        {"actions": ["creer"] * 201},
    ],
)
def test_unreadable_responses_are_refused(response):
    with pytest.raises(InvalidResponse):
        score(webmail(), response)


def test_the_engine_checks_a_simulation_definition():
    entry = webmail()
    broken = {**entry, "content": {**entry["content"], "required": ["creer", "nulle_part"]}}
    assert any("nulle_part" in problem for problem in check_item(broken, where=[], root=None))


ACTION_IDS = sorted(simulation_elements(webmail()["content"], "action"))
FIELD_NAMES = sorted(simulation_elements(webmail()["content"], "field"))


@given(
    actions=st.lists(st.sampled_from(ACTION_IDS), min_size=1, max_size=40),
    values=st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=30)),
)
def test_any_action_sequence_gets_a_bounded_score(actions, values):
    result = score(webmail(), {"actions": actions, "fields": values})
    assert Decimal("0") <= result.score <= Decimal("1")
    assert result.correct == (result.score == Decimal("1"))


@given(
    before=st.lists(st.sampled_from(["aide", "retour_accueil", "creer", "ecrire"]), max_size=10),
    dropped=st.sampled_from(RIGHT_ACTIONS),
)
def test_a_missing_required_action_is_never_right(before, dropped):
    actions = [action for action in [*before, *RIGHT_ACTIONS] if action != dropped] or ["aide"]
    result = score(webmail(), {"actions": actions, "fields": RIGHT_FIELDS})
    assert not result.correct
    assert result.score < Decimal("1")


@given(extra=st.lists(st.sampled_from(["aide", "retour_accueil"]), max_size=10))
def test_the_right_sequence_with_harmless_taps_is_right(extra):
    actions = [*extra, *RIGHT_ACTIONS]
    assert score(webmail(), {"actions": actions, "fields": RIGHT_FIELDS}).correct


# --- the scam SMS and e-mail (reperer-arnaque) ---------------------------------------------


def scams():
    return module("reperer-arnaque").exercise_item("telephone").definition


SCAM_RIGHT = ["ouvrir_sms_colis", "signaler_sms", "retour_sms_signale", "aller_mails"]
SCAM_RIGHT += ["ouvrir_mail_caf", "signaler_mail", "retour_mail_signale", "fini"]
SCAM_ACTIONS = sorted(simulation_elements(scams()["content"], "action"))


def test_spotting_both_scams_without_their_links_is_right():
    assert score(scams(), {"actions": SCAM_RIGHT}).correct


def test_opening_a_scam_link_is_named():
    actions = [*SCAM_RIGHT[:1], "lien_sms", "fermer_faux_colis", *SCAM_RIGHT[1:]]
    result = score(scams(), {"actions": actions})
    assert not result.correct
    assert result.details["forbidden"] == ["ouvrir le lien du faux SMS"]


@given(actions=st.lists(st.sampled_from(SCAM_ACTIONS), min_size=1, max_size=40))
def test_any_tap_sequence_on_the_phone_is_bounded_and_a_link_is_never_right(actions):
    result = score(scams(), {"actions": actions})
    assert Decimal("0") <= result.score <= Decimal("1")
    if {"lien_sms", "lien_mail", "signaler_medecin", "signaler_mairie"} & set(actions):
        assert not result.correct
    if "signaler_mail" not in actions:
        assert not result.correct and result.score < Decimal("1")
