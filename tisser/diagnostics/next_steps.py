"""What the results of a sitting lead to, told by the apps above this one.

The diagnostic measures; an app above it (the learning modules) knows what to do next.
That app registers a provider in its ``AppConfig.ready()``, as the content checkers are
registered (``exercises.content.register_content_checker``), so this app never imports it
(layers, pyproject.toml). The team's results page and the learner's results page render
what the providers answer, plain data: a title, a sentence, a few lines, at most one
button (a POST to the provider's own URL) and one link.

A provider runs a constant number of queries and answers ``None`` when it has nothing to
say: the page then shows nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NextStepLine:
    title: str
    detail: str = ""  # « Chercher un emploi, niveau 1, 10 min »
    note: str = ""  # a short state: « déjà donné »


@dataclass(frozen=True)
class NextStepLink:
    url: str
    label: str


@dataclass(frozen=True)
class NextStepAction:
    """A button that POSTs ``fields`` (name, value pairs) to ``url``."""

    url: str
    label: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class NextSteps:
    title: str
    text: str = ""
    lines: tuple[NextStepLine, ...] = ()
    action: NextStepAction | None = None
    link: NextStepLink | None = None


# staff(diagnostic, membership) for the team's page, learner(diagnostic) for the person's.
StaffProvider = Callable[..., NextSteps | None]
LearnerProvider = Callable[..., NextSteps | None]

_STAFF: dict[str, StaffProvider] = {}
_LEARNER: dict[str, LearnerProvider] = {}


def register_next_steps(
    name: str, *, staff: StaffProvider | None = None, learner: LearnerProvider | None = None
) -> None:
    """Add what ``name`` (an app) says on the results pages; registering again replaces."""
    if staff is not None:
        _STAFF[name] = staff
    if learner is not None:
        _LEARNER[name] = learner


def staff_next_steps(diagnostic, membership) -> list[NextSteps]:
    """What the providers say to the team about a finished sitting."""
    found = (provider(diagnostic, membership) for provider in _STAFF.values())
    return [steps for steps in found if steps is not None]


def learner_next_steps(diagnostic) -> list[NextSteps]:
    """What the providers say to the person about their own finished sitting."""
    found = (provider(diagnostic) for provider in _LEARNER.values())
    return [steps for steps in found if steps is not None]
