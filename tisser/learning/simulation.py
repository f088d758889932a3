"""Playing a simulation step without JavaScript (decision 0053, « Simulations »).

Each tap is a POST that carries the attempt so far (the actions done, the fields' values,
the screen shown) in the form itself and adds the tapped action: nothing is stored until
the action that ends the attempt, whose response — the ordered actions and the final field
values — the exercise engine scores like any other answer. The carried state is the
learner's own training: a changed form only changes their own answer, which the engine
checks (unknown actions or fields are refused).
"""

from dataclasses import dataclass, field
from typing import Any

from tisser.exercises.content import Item
from tisser.exercises.scoring import MAX_ACTIONS, simulation_elements

FIELD_PREFIX = "champ_"
MAX_VALUE_LENGTH = 200


@dataclass
class Play:
    """Where one attempt is: the screen shown, the actions done, the fields' values."""

    screen: dict[str, Any]
    actions: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)
    ended: bool = False

    def response(self) -> dict[str, Any]:
        return {"actions": list(self.actions), "fields": dict(self.values)}


def _screens(item: Item) -> dict[str, dict[str, Any]]:
    return {screen["id"]: screen for screen in item.content["screens"]}


def play_start(item: Item) -> Play:
    return Play(screen=_screens(item)[item.content["start"]])


def play_tap(item: Item, post) -> Play:
    """The attempt after the tap sent in ``post``. A tap on an action that is not on the
    screen shown (an old page, a changed form) is not recorded: the screen is shown again."""
    screens = _screens(item)
    actions = simulation_elements(item.content, "action")
    fields = simulation_elements(item.content, "field")
    screen = screens.get(post.get("screen", ""), screens[item.content["start"]])
    done = [action for action in post.get("done", "").split() if action in actions]
    values = {
        name: post.get(FIELD_PREFIX + name, "")[:MAX_VALUE_LENGTH]
        for name in fields
        if FIELD_PREFIX + name in post
    }
    play = Play(screen=screen, actions=done[:MAX_ACTIONS], values=values)
    tapped = post.get("tap", "")
    on_screen = {element["id"] for element in screen["elements"] if element["kind"] == "action"}
    if tapped not in on_screen or len(play.actions) >= MAX_ACTIONS:
        return play
    play.actions.append(tapped)
    action = actions[tapped]
    play.ended = bool(action.get("end"))
    play.screen = screens[action.get("go") or screen["id"]]
    return play


def hidden_fields(item: Item, play: Play) -> list[tuple[str, str]]:
    """The values of the fields that are not on the screen shown, carried along."""
    shown = {e["name"] for e in play.screen["elements"] if e["kind"] == "field"}
    return [
        (FIELD_PREFIX + name, value) for name, value in play.values.items() if name not in shown
    ]


def field_errors(item: Item, details: dict[str, Any]) -> list[str]:
    """The simulated site's message for each field that was not right, in screen order."""
    fields = simulation_elements(item.content, "field")
    return [fields[name]["error"] for name, ok in details.get("fields", {}).items() if not ok]


def screen_elements(play: Play) -> list[dict[str, Any]]:
    """The elements of the screen shown, each field with the value typed so far."""
    return [
        {**element, "value": play.values.get(element["name"], "")}
        if element["kind"] == "field"
        else element
        for element in play.screen["elements"]
    ]


def end_screen(item: Item, play: Play) -> dict[str, Any] | None:
    """The service's own answer to the tap that ended the attempt (« Candidature
    envoyée »): the screen its action goes to, shown above the feedback; None when the
    action goes nowhere."""
    if not play.ended:
        return None
    go = simulation_elements(item.content, "action")[play.actions[-1]].get("go")
    return _screens(item)[go] if go else None
