"""Which item to ask next, and the level it gives per domain: the adaptive rules.

Pure functions over an item bank and the answers so far, without the database: the
diagnostic's pages and the simulator (simulator.py) run exactly the same code. The next
item depends only on the history, so a sitting resumes by replaying its answers.

The rules here are the starting ones of issue 13 — per domain, in the framework's order:
start at level 1, climb one level after a success, stop the domain after two failures;
the level is the highest level passed (0 when none). A domain whose cells are exhausted
stops too. See docs/decisions/0052-skills-diagnostic.md.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tisser.diagnostics.enums import LEVEL_MAX, LEVEL_MIN

MIN_ITEMS = 18
MAX_ITEMS = 24
START_LEVEL = 1
FAILURES_TO_STOP = 2


@dataclass(frozen=True)
class BankItem:
    """An item of a form as the rules see it: its cell and how likely a blind guess is right."""

    key: str
    domain: str
    level: int
    # 1/k for k choices, ½ for yes/no, 0 for typed answers and forms (issue 13).
    guess_rate: float


@dataclass(frozen=True)
class Response:
    """One answer of the sitting. « Je ne sais pas » is an answer that is not correct."""

    key: str
    domain: str
    level: int
    correct: bool


class ItemBank:
    """One form's items by (domain, level), each cell in the form's order."""

    def __init__(self, items: Iterable[BankItem]):
        self._cells: dict[tuple[str, int], tuple[BankItem, ...]] = {}
        for item in items:
            cell = (item.domain, item.level)
            self._cells[cell] = (*self._cells.get(cell, ()), item)

    def cell(self, domain: str, level: int) -> tuple[BankItem, ...]:
        return self._cells.get((domain, level), ())

    def domains(self) -> list[str]:
        return sorted({domain for domain, _level in self._cells})


def _domain_history(history: Sequence[Response], domain: str) -> list[Response]:
    return [response for response in history if response.domain == domain]


def _passed_level(answers: Sequence[Response]) -> int:
    passed = [answer.level for answer in answers if answer.correct]
    return max(passed) if passed else LEVEL_MIN


def _next_level(answers: Sequence[Response]) -> int | None:
    """The level to ask next in one domain, or None when the domain is done."""
    if sum(not answer.correct for answer in answers) >= FAILURES_TO_STOP:
        return None
    if not answers:
        return START_LEVEL
    last = answers[-1]
    if last.correct:
        return last.level + 1 if last.level < LEVEL_MAX else None
    return last.level


def next_item(
    bank: ItemBank, domains: Sequence[str], history: Sequence[Response]
) -> BankItem | None:
    """The next item to ask, or None when the sitting is over."""
    if len(history) >= MAX_ITEMS:
        return None
    asked = {response.key for response in history}
    for domain in domains:
        level = _next_level(_domain_history(history, domain))
        if level is None:
            continue
        unused = [item for item in bank.cell(domain, level) if item.key not in asked]
        if unused:
            return unused[0]
    return None


def estimate(bank: ItemBank, domains: Sequence[str], history: Sequence[Response]) -> dict[str, int]:
    """The level per domain that the answers so far give."""
    return {domain: _passed_level(_domain_history(history, domain)) for domain in domains}
