"""An item's answers in words, for whoever reads them without the item on a screen.

Two readings of one item definition, sharing the same pieces (an option's text, a zone's
label, a step, a message, a form field's label): ``right_answer_in_words`` — the right
answer, for the learner's feedback after a wrong answer (``rendering.Shown.right_label``)
and the diagnostic's paper correction grid — and ``response_in_words`` — what a person
answered, for the diagnostic's results page. Both read only the definition they are given,
as scoring does (an old answer reads against the version it answered).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.exercises.scoring import simulation_elements, zone_at

# --- the shared pieces -------------------------------------------------------------------


def option_texts(content: dict[str, Any], ids) -> list[str]:
    texts = {option["id"]: option["text"] for option in content["options"]}
    return [texts[key] for key in ids]


def yes_no_word(value: bool) -> str:
    return _("Oui") if value is True else _("Non")


def zone_label(content: dict[str, Any], zone_id: str) -> str:
    return next(zone["label"] for zone in content["zones"] if zone["id"] == zone_id)


def step_texts(content: dict[str, Any], ids) -> str:
    texts = {step["id"]: step["text"] for step in content["steps"]}
    return " → ".join(texts[key] for key in ids)


def message_of(content: dict[str, Any], message_id: str) -> dict[str, Any]:
    return next(m for m in content["messages"] if m["id"] == message_id)


def field_label(spec: dict[str, Any]) -> str:
    """A form field's label without the « required » star."""
    return spec["label"].rstrip(" *")


def _field_expected(spec: dict[str, Any], given: bool) -> str:
    rule = spec["rule"]
    if rule["kind"] in ("exact", "normalised"):
        return f"« {rule['value']} »"
    # A pattern (an e-mail in any case, a date in any format…) has no one value to show:
    # its hint says the expected shape, and the item's sheet (``given``) follows the fields;
    # without a sheet, the instruction says what to type (« the swimming pool in Lille »).
    return spec.get("hint") or (_("comme sur la fiche") if given else _("d'après la consigne"))


# --- the right answer ----------------------------------------------------------------------


POINTER_GESTURES = {
    "click": gettext_lazy("Toucher (ou cliquer) une fois : %(target)s"),
    "double_click": gettext_lazy("Toucher (ou cliquer) deux fois de suite : %(target)s"),
    "scroll": gettext_lazy("Faire défiler, puis toucher : %(target)s"),
    "drag": gettext_lazy("Faire glisser : %(target)s, jusqu'à : %(drop)s"),
}


def right_answer_in_words(definition: dict[str, Any]) -> str:
    """The right answer of any item type, in plain French."""
    content, kind = definition["content"], definition["type"]
    if kind == "choice":
        return " ; ".join(option_texts(content, content["correct"]))
    if kind == "yes_no":
        return yes_no_word(content["answer"])
    if kind == "zone":
        return zone_label(content, content["correct"])
    if kind == "order":
        return step_texts(content, [step["id"] for step in content["steps"]])
    if kind == "form":
        fields = " ; ".join(
            f"{field_label(spec)} : {_field_expected(spec, bool(content.get('given')))}"
            for spec in content["fields"]
        )
        if content.get("given") and any(
            spec["rule"]["kind"] == "pattern" for spec in content["fields"]
        ):
            fields += " — " + _("la fiche : %(given)s") % {"given": " ; ".join(content["given"])}
        return fields
    if kind == "mailbox":
        message = message_of(content, content["target"])
        return f"{message['sender']} : {message['subject']}"
    if kind == "typing":
        return content["text"]
    if kind == "pointer":
        return str(POINTER_GESTURES[content["action"]]) % {
            "target": content["target"],
            "drop": content.get("drop", ""),
        }
    if kind == "simulation":
        return " → ".join(content["steps"])
    raise KeyError(kind)


# --- a response --------------------------------------------------------------------------


def _choice(content, response):
    return ", ".join(f"« {text} »" for text in option_texts(content, response["selected"]))


def _yes_no(content, response):
    return yes_no_word(response["answer"])


def _zone(content, response):
    chosen = (
        response["zone"]
        if "zone" in response
        else zone_at(content, float(response["x"]), float(response["y"]))
    )
    if chosen is None:
        return _("A touché à côté des zones")
    return _("A touché : %(zone)s") % {"zone": zone_label(content, chosen)}


def _order(content, response):
    return step_texts(content, response["order"])


def _form(content, response):
    labels = {spec["name"]: field_label(spec) for spec in content["fields"]}
    filled = [
        f"{labels.get(name, name)} : « {value.strip()} »"
        for name, value in response["fields"].items()
        if value.strip()
    ]
    return " ; ".join(filled)


def _mailbox(content, response):
    key = next(key for key in ("opened", "reported", "attachment") if key in response)
    message = message_of(content, response[key])
    verb = {
        "opened": _("A ouvert"),
        "reported": _("A signalé"),
        "attachment": _("A ouvert la pièce jointe de"),
    }[key]
    return f"{verb} « {message['subject']} » ({message['sender']})"


def _typing(content, response):
    return f"« {response['typed']} »"


def _pointer(content, response):
    misses = int(response.get("misses", 0))
    if not misses:
        return _("Geste réussi du premier coup")
    return _("Geste réussi après %(count)s essais manqués") % {"count": misses}


def _simulation(content, response):
    actions = simulation_elements(content, "action")
    done = " → ".join(actions[action]["label"] for action in response["actions"])
    return _("A touché : %(actions)s") % {"actions": done}


_DESCRIBERS = {
    "choice": _choice,
    "yes_no": _yes_no,
    "zone": _zone,
    "order": _order,
    "form": _form,
    "mailbox": _mailbox,
    "typing": _typing,
    "pointer": _pointer,
    "simulation": _simulation,
}


def response_in_words(definition: dict[str, Any], response: dict[str, Any]) -> str:
    """A response to the item as the team can read it back: the option chosen, the text
    typed… Raises KeyError, TypeError, ValueError or StopIteration on a response that does
    not fit the item."""
    return _DESCRIBERS[str(definition.get("type", ""))](definition.get("content", {}), response)
