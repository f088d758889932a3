"""The diagnostic's items for using a device, finding information and communicating.

Every right answer scores right; a tap at the centre of each zone lands in that zone (no
zone hides another); what people really type (capitals, spaces, more words) passes the
simulated sites' rules, and plausible mistakes do not.
"""

import pytest

from tisser.exercises.content import catalogue
from tisser.exercises.scoring import MAILBOX_ACTIONS, score, zone_at

DOMAINS = ("appareil", "informations", "communiquer")

# For each field checked by a pattern: what people type that must pass, and near misses.
TYPED = {
    ("diag-informations-e1-1", "recherche"): (
        ["horaires piscine Lille", "Piscine lille", "quand ouvre la piscine de Lille ?"],
        ["piscine", "horaires Lille", "pissine Lille"],
    ),
    ("diag-informations-s1-1", "recherche"): (
        ["adresse mairie Nantes", "Mairie de NANTES"],
        ["mairie", "adresse Nantes"],
    ),
    ("diag-communiquer-e2-1", "message"): (
        ["Je serai en retard de 10 minutes.", "RETARD 10 min"],
        ["J'arrive bientôt", "en avance"],
    ),
    ("diag-communiquer-s2-1", "message"): (
        ["Votre colis est chez moi.", "Karim, ton COLIS est ici"],
        ["Votre paquet est chez moi"],
    ),
    ("diag-communiquer-e3-1", "destinataire"): (
        ["secretariat@ecole-ferry.exemple", " Secretariat@Ecole-Ferry.exemple "],
        ["secretariat@ecoleferry.exemple", "secretariat@ecole-ferry.fr"],
    ),
    ("diag-communiquer-e3-1", "objet"): (["Absence de Yanis", "absent demain"], ["Yanis"]),
    ("diag-communiquer-e3-1", "message"): (
        ["Bonjour, Yanis sera absent demain. Merci.", "Yanis absent\ndemain"],
        ["Bonjour, Yanis sera absent.", "Yanis viendra demain."],
    ),
    ("diag-communiquer-s3-1", "destinataire"): (
        ["m.durand@exemple.fr", "M.Durand@exemple.fr"],
        ["mdurand@exemple.fr", "m.durand@exemple.com"],
    ),
    ("diag-communiquer-s3-1", "objet"): (["Chauffage", "chauffage en panne"], ["Panne"]),
    ("diag-communiquer-s3-1", "message"): (
        ["Bonjour, le chauffage est en panne. Merci.", "Chauffage : PANNE"],
        ["Bonjour, il fait froid.", "Le chauffage marche bien."],
    ),
}


def domain_items(domain):
    return [item for key, item in catalogue().items() if key.startswith(f"diag-{domain}-")]


def right_response(item):
    content = item.content
    if item.type == "choice":
        return {"selected": content["correct"]}
    if item.type == "zone":
        return {"zone": content["correct"]}
    if item.type == "order":
        return {"order": [step["id"] for step in content["steps"]]}
    if item.type == "mailbox":
        return {MAILBOX_ACTIONS[content["task"]]: content["target"]}
    if item.type == "typing":
        return {"typed": content["text"]}
    assert item.type == "form", item.key
    return {
        "fields": {
            spec["name"]: TYPED[(item.key, spec["name"])][0][0]
            if spec["rule"]["kind"] == "pattern"
            else spec["rule"]["value"]
            for spec in content["fields"]
        }
    }


@pytest.mark.parametrize("domain", DOMAINS)
def test_twenty_items_and_every_right_answer_scores_right(domain):
    items = domain_items(domain)
    assert len(items) == 20
    for item in items:
        assert score(item.definition, right_response(item)).correct, item.key


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_tap_in_the_middle_of_a_zone_chooses_that_zone(domain):
    for item in domain_items(domain):
        if item.type != "zone":
            continue
        for zone in item.content["zones"]:
            middle = (zone["x"] + zone["w"] / 2, zone["y"] + zone["h"] / 2)
            assert zone_at(item.content, *middle) == zone["id"], (item.key, zone["id"])
            tapped = score(item.definition, {"x": middle[0], "y": middle[1]})
            assert tapped.correct is (zone["id"] == item.content["correct"])


def test_typing_tolerates_what_the_item_says_and_nothing_more():
    address = catalogue()["diag-appareil-e2-2"].definition
    assert score(address, {"typed": "Nadia.Benali@exemple.fr "}).correct
    assert not score(address, {"typed": "nadia.benali@exemple.com"}).correct
    assert not score(address, {"typed": "nadiabenali@exemple.fr"}).correct
    sentence = catalogue()["diag-appareil-e1-1"].definition
    assert score(sentence, {"typed": "rendez vous lundi a 10h"}).correct
    assert not score(sentence, {"typed": "rendez-vous mardi à 11 h"}).correct


def test_typed_answers_pass_and_near_misses_do_not():
    items = catalogue()
    for (key, name), (good, bad) in TYPED.items():
        item = items[key]
        base = right_response(item)["fields"]
        for value in good:
            result = score(item.definition, {"fields": {**base, name: value}})
            assert result.correct, (key, name, value)
        for value in bad:
            result = score(item.definition, {"fields": {**base, name: value}})
            assert not result.details["fields"][name], (key, name, value)
    fields_with_patterns = {
        (item.key, spec["name"])
        for domain in DOMAINS
        for item in domain_items(domain)
        if item.type == "form"
        for spec in item.content["fields"]
        if spec["rule"]["kind"] == "pattern"
    }
    assert fields_with_patterns == set(TYPED)
