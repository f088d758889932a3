"""Example responses to an item: one the engine scores right, one it scores wrong.

Written from the item's own content (its right option, zone, order, message, text, and a
value each form field's rule accepts). The demo plays diagnostic sittings with them and the
modules benchmark generates answers with them, so both give real responses to real items.
"""

from __future__ import annotations

import re

from tisser.exercises import scoring
from tisser.exercises.content import Item

PATTERN_SAMPLES = (
    "06 12 34 56 78",
    "0612345678",
    "67000",
    "elise.martin@exemple.fr",
    "12/03/1975",
    "Martin",
    "Soleil-Bleu-2024",
)


REGEX_SIGNS = re.compile(r"[()\[\]*?+\\|{}^$]")


def _pattern_sample(pattern: str) -> str:
    """A readable text the simple patterns of the forms accept: the words a pattern looks
    for (``(?=.*piscine)(?=.*lille)`` gives ``piscine lille``), else its first alternative
    with the optional separators left out (``06[ .-]?45`` gives ``0645``)."""
    text = re.sub(r"\(\?[a-z]+\)", "", pattern).replace("\\s*", "")
    words = re.findall(r"\(\?=\.\*([\w-]+)\)", text)
    if words:
        return " ".join(words)
    text = re.sub(r"^\.\*|\.\*$", "", text)
    text = re.sub(r"\(([^()|]*)\|[^()]*\)", r"\1", text)
    text = text.split("|")[0]
    text = re.sub(r"\[[^\]]*\][?*]", "", text)
    text = re.sub(r"(.)\?", r"\1", text)
    return text.replace(" +", " ").replace("\\.", ".")


def _field_value(spec) -> str:
    rule = spec["rule"]
    if rule["kind"] in ("exact", "normalised"):
        return rule["value"]
    candidates = (_pattern_sample(rule["value"]), *PATTERN_SAMPLES)
    return next(
        (
            text
            for text in candidates
            if not REGEX_SIGNS.search(text) and re.fullmatch(rule["value"], text)
        ),
        "",
    )


def right_response(item: Item) -> dict | None:
    """A response the item scores right (None for a type with none to give)."""
    content = item.content
    match item.type:
        case "choice":
            return {"selected": list(content["correct"])}
        case "yes_no":
            return {"answer": content["answer"]}
        case "zone":
            return {"zone": content["correct"]}
        case "order":
            return {"order": [step["id"] for step in content["steps"]]}
        case "form":
            return {"fields": {spec["name"]: _field_value(spec) for spec in content["fields"]}}
        case "mailbox":
            key = scoring.MAILBOX_ACTIONS[content["task"]]
            return {key: content["target"]}
        case "typing":
            return {"typed": content["text"]}
        case "pointer":
            return {"done": True, "misses": 0}
    return None


def wrong_response(item: Item) -> dict | None:
    """A plain mistake the item scores wrong (None when the item leaves no room for one)."""
    content = item.content
    match item.type:
        case "choice":
            other = [o["id"] for o in content["options"] if o["id"] not in content["correct"]]
            return {"selected": other[:1]} if other else None
        case "yes_no":
            return {"answer": not content["answer"]}
        case "zone":
            other = [z["id"] for z in content["zones"] if z["id"] != content["correct"]]
            return {"zone": other[0]} if other else None
        case "order":
            steps = [step["id"] for step in content["steps"]]
            return {"order": [steps[1], steps[0], *steps[2:]]} if len(steps) > 1 else None
        case "form":
            fields = {spec["name"]: _field_value(spec) for spec in content["fields"]}
            first = content["fields"][0]["name"]
            return {"fields": {**fields, first: ""}}  # the first field left empty
        case "mailbox":
            key = scoring.MAILBOX_ACTIONS[content["task"]]
            other = [
                m["id"]
                for m in content["messages"]
                if m["id"] != content["target"] and (key != "attachment" or m.get("attachment"))
            ]
            return {key: other[0]} if other else None
        case "typing":
            text = content["text"]
            return {"typed": text[: max(1, len(text) // 3)]}
    return None
