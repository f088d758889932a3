"""The diagnostic's items for online procedures, staying safe and looking for a job.

Two parallel forms (entry, exit): in each cell the same kinds of items, in the same order,
with the same odds of a blind guess; every right answer scores right, and the answers a
person would really type (spaces, capitals, another date style) pass the simulated site's
rules while plausible mistakes do not.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings

from tisser.exercises.content import catalogue
from tisser.exercises.scoring import score

DOMAINS = ("demarches", "securite", "emploi")
KINDS = ("entry", "exit")
LEVELS = ("0", "1", "2", "3", "4")
FORMS_DIR = Path(settings.BASE_DIR) / "content" / "skills" / "forms"

# For each field checked by a pattern: what people type that must pass, and near misses.
TYPED = {
    ("diag-demarches-e1-2", "naissance"): (
        ["12/04/1985", "12 04 1985", "1985-04-12"],
        ["12/05/1985", "04/12/1985"],
    ),
    ("diag-demarches-s1-2", "naissance"): (
        ["03/09/1979", "3/9/1979", "1979-09-03"],
        ["09/03/1979", "03/09/1997"],
    ),
    ("diag-demarches-e2-1", "email"): (
        ["Aminata.Diallo@exemple.fr"],
        ["aminata.diallo@exemple.com"],
    ),
    ("diag-demarches-e2-1", "email_confirmation"): (
        ["aminata.diallo@exemple.fr"],
        ["aminata@exemple.fr"],
    ),
    ("diag-demarches-s2-1", "email"): (["karim.benali@exemple.fr"], ["karim.benali@exemple"]),
    ("diag-demarches-s2-1", "email_confirmation"): (
        ["Karim.Benali@exemple.fr"],
        ["karimbenali@exemple.fr"],
    ),
    ("diag-demarches-e3-1", "telephone"): (
        ["07 81 22 45 90", "0781224590", "07.81.22.45.90"],
        ["07 81 22 45 09"],
    ),
    ("diag-demarches-s3-1", "telephone"): (["06 27 54 10 83", "0627541083"], ["06 27 54 10 38"]),
    ("diag-demarches-e4-2", "date"): (
        ["01/06/2025", "1/6/2025", "2025-06-01"],
        ["06/01/2025", "01/06/2024"],
    ),
    ("diag-demarches-s4-2", "date"): (
        ["15/03/2025", "15.03.2025", "2025-03-15"],
        ["15/04/2025", "03/15/2025"],
    ),
    ("diag-securite-e3-2", "nouveau"): (
        ["Ciel-Bleu-Matin-2025!", "Étoile#Verte42x"],
        ["Printemps2019", "motdepasse", "Court1!"],
    ),
    ("diag-securite-s3-2", "nouveau"): (
        ["3Girafes-Dansent!", "Jardin-Fleuri-88"],
        ["Jardin1987", "jardin-fleuri-88", "AZERTY123456"],
    ),
    ("diag-securite-e4-2", "code"): (["482 913", "482913"], ["482 931"]),
    ("diag-securite-s4-2", "code"): (["375 604", "375604"], ["375 640"]),
    ("diag-emploi-e2-1", "email"): (["aminata.diallo@exemple.fr"], ["aminata.dialo@exemple.fr"]),
    ("diag-emploi-e2-1", "telephone"): (["06 45 12 78 30", "0645127830"], ["06 45 12 78 03"]),
    ("diag-emploi-s2-1", "email"): (["KARIM.BENALI@EXEMPLE.FR"], ["karim.benali@exemple.fr.com"]),
    ("diag-emploi-s2-1", "telephone"): (["07 62 33 18 04", "07-62-33-18-04"], ["07 62 33 18 40"]),
    ("diag-emploi-e4-1", "nom"): (["Aminata Diallo", "DIALLO Aminata"], ["Aminata", "Diallo"]),
    ("diag-emploi-e4-1", "email"): (["aminata.diallo@exemple.fr"], ["diallo.aminata@exemple.fr"]),
    ("diag-emploi-e4-1", "telephone"): (["06 45 12 78 30"], ["06 45 12 78"]),
    ("diag-emploi-e4-1", "disponible"): (["02/06/2025", "2/6/2025"], ["06/02/2025", "02/06/2024"]),
    ("diag-emploi-s4-1", "nom"): (["Karim Benali", "benali karim"], ["Karim", "Karim B."]),
    ("diag-emploi-s4-1", "email"): (["karim.benali@exemple.fr"], ["karim.benali@gmail.com"]),
    ("diag-emploi-s4-1", "telephone"): (["0762331804"], ["762331804"]),
    ("diag-emploi-s4-1", "disponible"): (
        ["15/09/2025", "2025-09-15"],
        ["15/10/2025", "09/15/2025"],
    ),
}


def forms(domain):
    return json.loads((FORMS_DIR / f"{domain}.json").read_text(encoding="utf-8"))


def domain_items(domain):
    """The diagnostic's items of a domain (the practice items carry domain tags too)."""
    return [item for key, item in catalogue().items() if key.startswith(f"diag-{domain}-")]


@pytest.mark.parametrize("domain", DOMAINS)
def test_two_parallel_forms_with_two_items_per_level(domain):
    data = forms(domain)
    assert data["domain"] == domain
    items = catalogue()
    placed = []
    for kind in KINDS:
        assert sorted(data[kind]) == list(LEVELS)
        for level, keys in data[kind].items():
            assert len(keys) == 2, (kind, level)
            for key in keys:
                assert items[key].domain == domain and items[key].level == int(level), key
            placed += keys
    assert len(placed) == len(set(placed)), "an item is in both forms"
    assert sorted(placed) == sorted(item.key for item in domain_items(domain))
    assert all(item.domain == domain for item in domain_items(domain))
    for level in LEVELS:
        for entry_key, exit_key in zip(data["entry"][level], data["exit"][level], strict=True):
            entry_item, exit_item = items[entry_key], items[exit_key]
            assert (entry_item.type, entry_item.choices) == (exit_item.type, exit_item.choices)


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("kind", KINDS)
def test_items_a_blind_guess_rarely_passes(domain, kind):
    items = catalogue()
    keys = [key for level in LEVELS for key in forms(domain)[kind][level]]
    types = [items[key].type for key in keys]
    assert "pointer" not in types
    assert types.count("yes_no") <= 1
    for key in keys:
        item = items[key]
        if item.type == "choice" and not item.content.get("multiple"):
            assert item.choices >= 4, key
        if item.type in ("zone", "mailbox"):
            assert item.choices >= 4, key


def right_response(item):
    content = item.content
    if item.type == "choice":
        return {"selected": content["correct"]}
    if item.type == "zone":
        return {"zone": content["correct"]}
    if item.type == "order":
        return {"order": [step["id"] for step in content["steps"]]}
    if item.type == "mailbox":
        action = {"open": "opened", "scam": "reported", "attachment": "attachment"}[content["task"]]
        return {action: content["target"]}
    assert item.type == "form", item.key
    return {
        "fields": {
            spec["name"]: TYPED[(item.key, spec["name"])][0][0]
            if spec["rule"]["kind"] == "pattern"
            else spec["rule"]["value"]
            for spec in item.content["fields"]
        }
    }


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_right_answer_scores_right(domain):
    for item in domain_items(domain):
        assert score(item.definition, right_response(item)).correct, item.key


@pytest.mark.parametrize("domain", DOMAINS)
def test_typed_answers_pass_and_near_misses_do_not(domain):
    checked = 0
    for item in domain_items(domain):
        if item.type != "form":
            continue
        base = right_response(item)["fields"]
        for spec in item.content["fields"]:
            if spec["rule"]["kind"] != "pattern":
                continue
            good, bad = TYPED[(item.key, spec["name"])]
            for value in good:
                result = score(item.definition, {"fields": {**base, spec["name"]: value}})
                assert result.correct, (item.key, spec["name"], value)
            for value in bad:
                result = score(item.definition, {"fields": {**base, spec["name"]: value}})
                assert not result.details["fields"][spec["name"]], (item.key, spec["name"], value)
            checked += 1
    assert checked >= 4
