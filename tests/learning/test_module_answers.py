"""Every exercise step of every module in ``content/modules/`` has an answer the engine scores
right, and a plain wrong answer that it scores wrong.

The right answer is built from the item's own content (as for the diagnostic's items in
tests/exercises/test_diag_items.py): the right option, zone, order or message, and for a
simulated form what a person would type. A field checked by a pattern takes the realistic
values of ``TYPED`` (with near misses that must fail); a pattern not listed there must at
least accept some value (found by hypothesis), so that no step is impossible to pass.
"""

import pytest
from hypothesis import HealthCheck, find
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tisser.exercises.scoring import score
from tisser.learning.content import content_dir, modules
from tisser.learning.enums import StepKind

# (item id, field name): (what people type that must pass, near misses that must not).
TYPED = {
    ("mot-de-passe-solide--inventer", "nouveau"): (
        ["3Chats-Dansent-Lune!", "Velo!Rouge-Jardin-42", "Étoile#Verte42x"],
        ["motdepasse", "Court1!", "azertyuiop123", "MotDePasse2024", "Mon Mot De Passe 1!"],
    ),
    ("compte-service-public--formulaire", "naissance"): (
        ["14/02/1988", "14 02 1988", "14/2/1988", "1988-02-14"],
        ["02/14/1988", "14/02/1998", "14/03/1988"],
    ),
    ("compte-service-public--formulaire", "email"): (
        ["mariam.traore@exemple.fr", "Mariam.Traore@exemple.fr"],
        ["mariam.traoré@exemple.fr", "mariam@exemple.fr", "mariam.traore@exemple.com"],
    ),
    ("compte-service-public--code", "code"): (["527 318", "527318"], ["527 381", "52731"]),
    ("rendez-vous-en-ligne--formulaire", "telephone"): (
        ["06 39 98 62 03", "0639986203", "06.39.98.62.03"],
        ["06 39 98 62 30", "639986203"],
    ),
    ("preparer-cv--coordonnees", "nom"): (
        ["Samira Haddad", "HADDAD Samira"],
        ["Samira", "Haddad"],
    ),
    ("preparer-cv--coordonnees", "telephone"): (
        ["06 39 98 90 35", "0639989035", "06-39-98-90-35"],
        ["06 39 98 90 53"],
    ),
    ("preparer-cv--coordonnees", "email"): (
        ["samira.haddad@exemple.fr", "SAMIRA.HADDAD@EXEMPLE.FR"],
        ["samira.hadad@exemple.fr", "mimi-la-star@exemple.fr"],
    ),
    ("preparer-cv--coordonnees", "metier"): (
        ["agente d'entretien", "Agent d’entretien", "AGENTE D'ENTRETIEN"],
        ["agente", "entretien", "agente de ménage"],
    ),
    ("offre-emploi-postuler--recherche", "metier"): (
        ["cuisinier", "Cuisinière", "cuisiniere"],
        ["cuisine", "serveur"],
    ),
    ("offre-emploi-postuler--candidature", "nom"): (
        ["Moussa Camara", "camara moussa"],
        ["Moussa", "Moussa C."],
    ),
    ("offre-emploi-postuler--candidature", "email"): (
        ["moussa.camara@exemple.fr", "Moussa.Camara@exemple.fr"],
        ["moussa.camara@exemple", "moussacamara@exemple.fr"],
    ),
    ("offre-emploi-postuler--candidature", "telephone"): (
        ["06 39 98 24 96", "0639982496"],
        ["06 39 98 24 69"],
    ),
    ("ranger-fichiers--chercher", "recherche"): (
        ["quittance", "Quittance loyer", "loyer mars"],
        ["facture", "Scan", "quitance"],
    ),
    ("partager-document--reglages", "email"): (
        ["lea.martin@espace-emploi.exemple.fr", "Lea.Martin@espace-emploi.exemple.fr"],
        [
            "léa.martin@espace-emploi.exemple.fr",
            "lea.martin@exemple.fr",
            "lea.martin@espace-emploi",
        ],
    ),
    ("suivre-candidatures--relance", "destinataire"): (
        ["recrutement@prim.exemple.fr", "Recrutement@Prim.exemple.fr"],
        ["recrutement@prim.exemple.com", "recrutement.prim@exemple.fr"],
    ),
    ("suivre-candidatures--relance", "objet"): (
        ["Relance, candidature caissière, offre CA-118", "relance offre ca118", "Relance CA 118"],
        ["Relance candidature caissière", "Relance CA-181", "Relance CA 11 8"],
    ),
}


def exercise_items():
    """(module id, step id, item definition) for every exercise step of every module, as
    the loader serves them (``LEARNING_CONTENT_DIR``: ``content/modules/``)."""
    for module in modules():
        for step in module.steps:
            if step.kind == StepKind.EXERCISE:
                yield module.key, step.key, module.exercise_item(step.key).definition


ITEMS = list(exercise_items())
IDS = [item["id"] for _, _, item in ITEMS]


def _any_match(pattern: str) -> str:
    return find(
        st.from_regex(pattern, fullmatch=True),
        lambda text: text.strip() == text != "",
        settings=hypothesis_settings(database=None, suppress_health_check=list(HealthCheck)),
    )


def typed_value(item, spec) -> str:
    rule = spec["rule"]
    if rule["kind"] != "pattern":
        return rule["value"]
    known = TYPED.get((item["id"], spec["name"]))
    return known[0][0] if known else _any_match(rule["value"])


def right_response(item):
    content = item["content"]
    kind = item["type"]
    if kind == "choice":
        return {"selected": content["correct"]}
    if kind == "yes_no":
        return {"answer": content["answer"]}
    if kind == "zone":
        return {"zone": content["correct"]}
    if kind == "order":
        return {"order": [step["id"] for step in content["steps"]]}
    if kind == "mailbox":
        action = {"open": "opened", "scam": "reported", "attachment": "attachment"}[content["task"]]
        return {action: content["target"]}
    if kind == "typing":
        return {"typed": content["text"]}
    if kind == "pointer":
        return {"done": True, "misses": 0}
    assert kind == "form", item["id"]
    return {"fields": {spec["name"]: typed_value(item, spec) for spec in content["fields"]}}


def wrong_response(item):
    """A plain mistake (another option, zone, message; the order first shown; a « ? »
    typed or in every field), or None."""
    content = item["content"]
    kind = item["type"]
    if kind == "choice":
        wrong = next(o["id"] for o in content["options"] if o["id"] not in content["correct"])
        return {"selected": [wrong]}
    if kind == "yes_no":
        return {"answer": not content["answer"]}
    if kind == "zone":
        return {"zone": next(z["id"] for z in content["zones"] if z["id"] != content["correct"])}
    if kind == "order":
        return {"order": content["shown"]}
    if kind == "mailbox":
        action = {"open": "opened", "scam": "reported", "attachment": "attachment"}[content["task"]]
        others = [
            m["id"]
            for m in content["messages"]
            if m["id"] != content["target"] and (action != "attachment" or m.get("attachment"))
        ]
        return {action: others[0]}
    if kind == "form":
        return {"fields": {spec["name"]: "?" for spec in content["fields"]}}
    if kind == "typing" and len(content["text"]) > content.get("max_errors", 0) + 1:
        return {"typed": "?"}
    return None  # a pointer gesture done is right, with or without misses


def test_every_module_file_is_loaded_with_its_exercises():
    files = sorted(path.stem for path in content_dir().glob("*.json"))
    assert files and files == sorted(module.key for module in modules())
    assert {module_id for module_id, _, _ in ITEMS} == set(files)
    assert len(IDS) == len(set(IDS)), "two exercise steps share an item id"
    for module_id, step_id, item in ITEMS:
        assert item["id"] == f"{module_id}--{step_id}"


@pytest.mark.parametrize(("module_id", "step_id", "item"), ITEMS, ids=IDS)
def test_the_right_answer_scores_right(module_id, step_id, item):
    result = score(item, right_response(item))
    assert result.correct, (module_id, step_id, result)


@pytest.mark.parametrize(("module_id", "step_id", "item"), ITEMS, ids=IDS)
def test_a_plain_mistake_scores_wrong(module_id, step_id, item):
    response = wrong_response(item)
    if response is None:
        pytest.skip(f"{item['type']}: no single plain mistake to try")
    assert not score(item, response).correct, (module_id, step_id)


def test_a_tap_inside_the_right_zone_scores_right():
    zones = [item for _, _, item in ITEMS if item["type"] == "zone"]
    assert zones
    for item in zones:
        content = item["content"]
        right = next(z for z in content["zones"] if z["id"] == content["correct"])
        tap = {"x": right["x"] + right["w"] / 2, "y": right["y"] + right["h"] / 2}
        assert score(item, tap).correct, item["id"]


def test_typed_answers_pass_and_near_misses_do_not():
    by_id = {item["id"]: item for _, _, item in ITEMS}
    for (item_id, name), (good, bad) in TYPED.items():
        item = by_id[item_id]
        base = right_response(item)["fields"]
        spec = next(spec for spec in item["content"]["fields"] if spec["name"] == name)
        assert spec["rule"]["kind"] == "pattern", (item_id, name)
        for value in good:
            result = score(item, {"fields": {**base, name: value}})
            assert result.correct, (item_id, name, value)
        for value in bad:
            result = score(item, {"fields": {**base, name: value}})
            assert not result.details["fields"][name], (item_id, name, value)
