"""Scoring of every item type: (item definition, response) -> a score from 0 to 1.

A response is the JSON the page sent, already shaped by ``responses.parse``. Scoring reads
only the definition it is given: an old answer is scored against the definition of the
version it answered (``ItemVersion``), never against today's file.

Scores are ``Decimal`` with two places; ``correct`` is what the learner is told (« C'est
juste »). A response that does not fit the item (an unknown option, a step twice) raises
``InvalidResponse``: nothing is saved, the page is shown again.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rapidfuzz.distance import Levenshtein

ONE = Decimal("1.00")
ZERO = Decimal("0.00")


class InvalidResponse(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    score: Decimal
    correct: bool
    # Per part of the item (a form field, a step…): what was right, for the feedback.
    details: dict[str, Any] = field(default_factory=dict)


def ratio(value: float) -> Decimal:
    bounded = min(1.0, max(0.0, value))
    return Decimal(str(bounded)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score(definition: dict[str, Any], response: dict[str, Any]) -> Result:
    scorer = SCORERS[definition["type"]]
    if not isinstance(response, dict):
        raise InvalidResponse("réponse illisible")
    return scorer(definition["content"], response)


def _strings(value, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidResponse(f"{name} : une liste attendue")
    return value


# --- 1. choice ----------------------------------------------------------------------------


def score_choice(content, response) -> Result:
    selected = set(_strings(response.get("selected"), "selected"))
    options = {option["id"] for option in content["options"]}
    if not selected or not selected <= options:
        raise InvalidResponse("choisissez une réponse proposée")
    right = set(content["correct"])
    if not content.get("multiple") and len(selected) != 1:
        raise InvalidResponse("une seule réponse")
    correct = selected == right
    # Several right answers: each right one found counts, each wrong one ticked takes one off.
    value = (len(selected & right) - len(selected - right)) / len(right)
    return Result(ONE if correct else ratio(value), correct)


# --- 2. yes / no --------------------------------------------------------------------------


def score_yes_no(content, response) -> Result:
    answer = response.get("answer")
    if answer not in (True, False):
        raise InvalidResponse("oui ou non")
    correct = answer is content["answer"]
    return Result(ONE if correct else ZERO, correct)


# --- 3. zone ------------------------------------------------------------------------------


def zone_at(content, x: float, y: float) -> str | None:
    """The zone under a point of the picture (in the picture's own units), if any."""
    for zone in content["zones"]:
        if zone["x"] <= x <= zone["x"] + zone["w"] and zone["y"] <= y <= zone["y"] + zone["h"]:
            return zone["id"]
    return None


def score_zone(content, response) -> Result:
    """A tap on the picture (x, y) or a zone chosen from the list of buttons."""
    if "zone" in response:
        chosen = response["zone"]
        if chosen not in {zone["id"] for zone in content["zones"]}:
            raise InvalidResponse("zone inconnue")
    else:
        try:
            x, y = float(response["x"]), float(response["y"])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidResponse("point illisible") from error
        if not (0 <= x <= content["width"] and 0 <= y <= content["height"]):
            raise InvalidResponse("point hors de l'image")
        chosen = zone_at(content, x, y)
    correct = chosen == content["correct"]
    return Result(ONE if correct else ZERO, correct, {"zone": chosen})


# --- 4. order -----------------------------------------------------------------------------


def score_order(content, response) -> Result:
    """Right only in the exact order; the score is the share of pairs of steps in the right
    order (Kendall's), so one swap of neighbours loses little and a reversed list scores 0."""
    order = _strings(response.get("order"), "order")
    right = [step["id"] for step in content["steps"]]
    if sorted(order) != sorted(right):
        raise InvalidResponse("chaque étape une fois")
    rank = {step_id: index for index, step_id in enumerate(right)}
    positions = [rank[step_id] for step_id in order]
    pairs = len(positions) * (len(positions) - 1) // 2
    good = sum(
        1
        for i in range(len(positions))
        for j in range(i + 1, len(positions))
        if positions[i] < positions[j]
    )
    correct = order == right
    return Result(
        ONE if correct else ratio(good / pairs),
        correct,
        {"placed": [a == b for a, b in zip(order, right, strict=True)]},
    )


# --- 5. form ------------------------------------------------------------------------------

PUNCTUATION_IGNORED = re.compile(r"[\s.\-/]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalised(text: str) -> str:
    """What a person means, not how they typed it: no accents, no case, no spaces, dots,
    dashes or slashes (``06 12-34`` is ``061234``, ``Élise`` is ``elise``)."""
    return PUNCTUATION_IGNORED.sub("", strip_accents(text).casefold())


def field_ok(spec, value: str) -> bool:
    rule = spec["rule"]
    value = value.strip()
    if rule["kind"] == "exact":
        return value == rule["value"]
    if rule["kind"] == "normalised":
        return normalised(value) == normalised(rule["value"])
    return re.fullmatch(rule["value"], value) is not None


def score_form(content, response) -> Result:
    values = response.get("fields")
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise InvalidResponse("champs illisibles")
    if not any(value.strip() for value in values.values()):
        raise InvalidResponse("rien n'a été rempli")
    checks = {
        spec["name"]: field_ok(spec, values.get(spec["name"], "")) for spec in content["fields"]
    }
    good = sum(checks.values())
    correct = good == len(checks)
    return Result(ONE if correct else ratio(good / len(checks)), correct, {"fields": checks})


# --- 6. mailbox ---------------------------------------------------------------------------

MAILBOX_ACTIONS = {"open": "opened", "scam": "reported", "attachment": "attachment"}


def score_mailbox(content, response) -> Result:
    key = MAILBOX_ACTIONS[content["task"]]
    chosen = response.get(key)
    ids = {message["id"] for message in content["messages"]}
    if chosen not in ids:
        raise InvalidResponse("message inconnu")
    if key == "attachment" and not next(m for m in content["messages"] if m["id"] == chosen).get(
        "attachment"
    ):
        raise InvalidResponse("ce message n'a pas de pièce jointe")
    correct = chosen == content["target"]
    return Result(ONE if correct else ZERO, correct, {"chosen": chosen})


# --- 7. typing ----------------------------------------------------------------------------

SPACES = re.compile(r"\s+")


def typing_form(text: str, tolerate: dict[str, bool]) -> str:
    """The text as compared: what the item tolerates is taken out of both sides."""
    if tolerate.get("spaces", True):
        text = SPACES.sub(" ", text).strip()
    if tolerate.get("case", False):
        text = text.casefold()
    if tolerate.get("accents", False):
        text = strip_accents(text)
    return text


def score_typing(content, response) -> Result:
    typed = response.get("typed")
    if not isinstance(typed, str) or len(typed) > 1000:
        raise InvalidResponse("texte illisible")
    if not typed.strip():
        raise InvalidResponse("rien n'a été tapé")
    tolerate = content.get("tolerate", {})
    expected = typing_form(content["text"], tolerate)
    given = typing_form(typed, tolerate)
    distance = Levenshtein.distance(expected, given)
    correct = distance <= content.get("max_errors", 0)
    return Result(
        ONE if correct else ratio(1 - distance / max(len(expected), 1)),
        correct,
        {"errors": distance},
    )


# --- 8. pointer ---------------------------------------------------------------------------

MAX_MISSES = 1000


def score_pointer(content, response) -> Result:
    """Done is right, with or without misses (the target grew for whoever missed); each miss
    takes a tenth off the score, down to a half: the gesture was made in the end."""
    if response.get("done") is not True:
        raise InvalidResponse("geste non terminé")
    misses = response.get("misses", 0)
    if not isinstance(misses, int) or isinstance(misses, bool) or not 0 <= misses <= MAX_MISSES:
        raise InvalidResponse("nombre d'essais illisible")
    return Result(ratio(max(0.5, 1 - misses / 10)), True, {"misses": misses})


# --- 9. simulation -----------------------------------------------------------------------

MAX_ACTIONS = 200


def simulation_elements(content, kind: str) -> dict[str, dict[str, Any]]:
    """Every action (by id) or field (by name) of a simulation, whatever its screen."""
    key = "id" if kind == "action" else "name"
    return {
        element[key]: element
        for screen in content["screens"]
        for element in screen["elements"]
        if element["kind"] == kind
    }


def score_simulation(content, response) -> Result:
    """What the person did, not what they looked at: the required actions in their order
    (other taps in between are allowed), the fields' final values by the form's rules, and
    no forbidden action. Each required action, each field and each forbidden action counts
    as one part; ``missing`` names what was not done (« joindre le fichier »)."""
    actions = _strings(response.get("actions"), "actions")
    values = response.get("fields", {})
    if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
        raise InvalidResponse("champs illisibles")
    known, fields = simulation_elements(content, "action"), simulation_elements(content, "field")
    if not actions or len(actions) > MAX_ACTIONS or not set(actions) <= set(known):
        raise InvalidResponse("actions illisibles")
    if not set(values) <= set(fields):
        raise InvalidResponse("champ inconnu")
    # The required actions as a subsequence: each is looked for after the one before.
    position, done = 0, []
    for action in content["required"]:
        try:
            position = actions.index(action, position) + 1
        except ValueError:
            continue
        done.append(action)
    missing = [action for action in content["required"] if action not in done]
    checks = {name: field_ok(spec, values.get(name, "")) for name, spec in fields.items()}
    forbidden = [action for action in content.get("forbidden", []) if action in actions]
    parts = len(content["required"]) + len(checks) + len(content.get("forbidden", []))
    good = len(done) + sum(checks.values()) + len(content.get("forbidden", [])) - len(forbidden)
    correct = not missing and all(checks.values()) and not forbidden
    return Result(
        ONE if correct else ratio(good / parts),
        correct,
        {
            "missing": [known[action]["does"] for action in missing],
            "fields": checks,
            "forbidden": [known[action]["does"] for action in forbidden],
        },
    )


SCORERS = {
    "choice": score_choice,
    "yes_no": score_yes_no,
    "zone": score_zone,
    "order": score_order,
    "form": score_form,
    "mailbox": score_mailbox,
    "typing": score_typing,
    "pointer": score_pointer,
    "simulation": score_simulation,
}
