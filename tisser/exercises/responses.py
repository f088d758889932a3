"""From a page's POST to the JSON response that scoring reads, one shape per item type.

Only the names each type's template sends are read; anything else is ignored. A value that
cannot be read gives ``InvalidResponse`` (the page is shown again, nothing is saved).
"""

from typing import Any

from tisser.exercises.scoring import MAX_MISSES, InvalidResponse

MAX_TEXT = 1000


def _text(post, name: str) -> str:
    value = post.get(name, "")
    if len(value) > MAX_TEXT:
        raise InvalidResponse("texte trop long")
    return value


def parse(item_type: str, post, *, field_names: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The response of one item; ``field_names``: the form item's fields (nothing else kept)."""
    if item_type == "choice":
        return {"selected": post.getlist("selected")[:20]}
    if item_type == "yes_no":
        answer = post.get("answer")
        if answer not in ("oui", "non"):
            raise InvalidResponse("oui ou non")
        return {"answer": answer == "oui"}
    if item_type == "zone":
        if post.get("zone"):
            return {"zone": post["zone"][:60]}
        try:
            return {"x": float(post.get("x", "")), "y": float(post.get("y", ""))}
        except ValueError as error:
            raise InvalidResponse("point illisible") from error
    if item_type == "order":
        return {"order": post.getlist("order")[:20]}
    if item_type == "form":
        return {"fields": {name: _text(post, f"f_{name}") for name in sorted(field_names)}}
    if item_type == "mailbox":
        for key in ("opened", "reported", "attachment"):
            if post.get(key):
                return {key: post[key][:60]}
        raise InvalidResponse("aucun message choisi")
    if item_type == "typing":
        return {"typed": _text(post, "typed")}
    if item_type == "pointer":
        if post.get("done") != "1":
            raise InvalidResponse("geste non terminé")
        try:
            misses = int(post.get("misses") or 0)
        except ValueError:
            misses = 0
        mode = post.get("mode", "tap")
        return {
            "done": True,
            "misses": min(max(misses, 0), MAX_MISSES),
            "mode": mode if mode in ("pointer", "tap", "keyboard") else "tap",
        }
    raise InvalidResponse("type inconnu")


def order_after_move(post, steps: list[str]) -> list[str] | None:
    """The no-JavaScript way to order steps: a POST with ``move=<id>:up|down`` moves one step
    and shows the page again (not an answer). None when the POST is not a move."""
    move = post.get("move", "")
    if ":" not in move:
        return None
    step, direction = move.split(":", 1)
    order = [value for value in post.getlist("order") if value in steps]
    if sorted(order) != sorted(steps) or step not in order:
        order = list(steps)
    index = order.index(step)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return order
