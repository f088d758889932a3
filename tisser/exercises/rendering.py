"""What the item templates need, for the staff preview and the learner's pages alike.

One template per type (``exercises/types/<type>.html``) inside ``exercises/item.html``,
which adds the instruction, its « Écouter » button, the form and the feedback. Answering
is a POST of the page's form; ``answer_context`` turns its outcome into plain words.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tisser.exercises.content import Item, picture_svg
from tisser.exercises.in_words import right_answer_in_words
from tisser.exercises.scoring import Result


def new_attempt_key() -> str:
    """The page's idempotency key: the same form sent twice is one answer."""
    return secrets.token_urlsafe(24)


@dataclass
class Shown:
    """One item as a page shows it (before or after an answer)."""

    item: Item
    attempt: str
    response: dict[str, Any] | None = None
    result: Result | None = None
    order: list[str] | None = None
    invalid: str = ""

    @property
    def answered(self) -> bool:
        return self.result is not None

    @property
    def template(self) -> str:
        return f"exercises/types/{self.item.type}.html"

    @property
    def content(self) -> dict[str, Any]:
        return self.item.content

    @property
    def picture(self):
        name = self.content.get("picture")
        return mark_safe(picture_svg(name)) if name else ""  # noqa: S308 (checked content)

    @property
    def options(self):
        """Choice options with their inlined pictures and whether they were ticked."""
        selected = set((self.response or {}).get("selected", []))
        right = set(self.content.get("correct", []))
        return [
            {
                **option,
                "svg": mark_safe(picture_svg(option["picture"])) if option.get("picture") else "",  # noqa: S308
                "checked": option["id"] in selected,
                "right": option["id"] in right,
            }
            for option in self.content.get("options", [])
        ]

    @property
    def steps(self):
        by_id = {step["id"]: step for step in self.content.get("steps", [])}
        order = self.order or (self.response or {}).get("order") or self.content.get("shown", [])
        placed = (self.result.details.get("placed") if self.result else None) or []
        return [
            {**by_id[step_id], "position": index + 1, "placed": placed[index] if placed else None}
            for index, step_id in enumerate(order)
            if step_id in by_id
        ]

    @property
    def right_steps(self):
        return self.content.get("steps", [])

    @property
    def fields(self):
        """Form fields with what was typed and, after an answer, the site's message if wrong."""
        values = (self.response or {}).get("fields", {})
        checks = (self.result.details.get("fields") if self.result else None) or {}
        rows = []
        for spec in self.content.get("fields", []):
            ok = checks.get(spec["name"])
            rows.append(
                {
                    **spec,
                    "html_name": f"f_{spec['name']}",
                    "html_id": f"champ-{spec['name']}",
                    "value": values.get(spec["name"], ""),
                    "wrong": ok is False,
                }
            )
        return rows

    @property
    def wrong_fields(self):
        return [row for row in self.fields if row["wrong"]]

    @property
    def messages(self):
        chosen = (self.result.details.get("chosen") if self.result else None) or ""
        return [
            {**message, "chosen": message["id"] == chosen}
            for message in self.content.get("messages", [])
        ]

    @property
    def right_label(self) -> str:
        """The right answer in words, for the feedback after a wrong answer (the order and
        the form show theirs otherwise: the steps in order, the site's messages)."""
        if self.item.type in ("order", "form", "pointer"):
            return ""
        return right_answer_in_words(self.item.definition)

    @property
    def typing_errors(self) -> int | None:
        if self.result and self.item.type == "typing":
            return self.result.details.get("errors")
        return None

    @property
    def typed(self) -> str:
        return (self.response or {}).get("typed", "")

    @property
    def tolerated(self) -> list[str]:
        tolerate = self.content.get("tolerate", {})
        words = []
        if tolerate.get("accents"):
            words.append(_("les accents"))
        if tolerate.get("case"):
            words.append(_("les majuscules"))
        if tolerate.get("spaces", True):
            words.append(_("les espaces en trop"))
        return words
