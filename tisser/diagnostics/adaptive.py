"""Which item to ask next, and the level it gives per domain: the adaptive rules.

Pure functions over an item bank and the answers so far, without the database: the
diagnostic's pages and the simulator (simulator.py) run exactly the same code. The next
item depends only on the history, so a sitting resumes by replaying its answers.

The rules (docs/decisions/0052-skills-diagnostic.md, "Adaptive rules"):

- Per domain, a belief over the levels 0–4, starting from the prior 30/30/20/12/8 % and
  updated after each answer with the response model of issue 13: a person answers an
  item right with probability 0.9 when the item's level is at or below their own, and
  otherwise at the item's guess rate. « Je ne sais pas » is a wrong answer.
- Start: the first item of a domain is at level 1 (or, when that cell has no unused item,
  at the nearest level that has one).
- Then each item is the unused item, over all domains still open, whose answer is expected
  to tell the most about the person's level (the largest expected drop of the belief's
  entropy). A success makes the belief climb, so the next item of that domain is harder;
  a failure makes it go down. To keep the sitting calm, the next item stays in the domain
  of the last answer while that domain's best item is worth at least STAY_RATIO of the best
  one overall.
- Stop: a domain whose level is settled (one level holds CERTAIN of the belief; two
  failures at level 1 do that) gets no more items; the sitting ends after MAX_ITEMS items,
  or after MIN_ITEMS items once every domain is settled. Only the domains passed in are
  asked (emploi only for jobseekers). An item is never asked twice.
- The level of a domain is the most likely one (the lower one on a tie).

Each domain's belief and best item depend only on that domain's answers, so they are
computed once per distinct set of answers and kept for the bank's items (shared by every
bank of the same items, in the process): a few microseconds per call afterwards.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tisser.diagnostics.enums import LEVEL_MAX, LEVEL_MIN

MIN_ITEMS = 18
MAX_ITEMS = 24
START_LEVEL = 1

# The response model and the prior of issue 13 (fixed: the simulator uses the same).
LEVELS = tuple(range(LEVEL_MIN, LEVEL_MAX + 1))
PRIOR = (0.30, 0.30, 0.20, 0.12, 0.08)
P_KNOWN = 0.9
# The guess rate assumed for an answer whose item is no longer in the bank (a form that
# changed during a sitting): a four-choice item.
UNKNOWN_GUESS_RATE = 0.25

# A domain is settled when one level holds this share of its belief.
CERTAIN = 0.95
# Stay in the last answer's domain while its best item is worth this share of the best.
STAY_RATIO = 0.8
# After a success the domain's next item is not easier, after a failure not harder.
STAIRCASE = True
# Gains are compared rounded, so that the choice does not hang on the last bit of a float.
_GAIN_DIGITS = 12
_MEMO_LIMIT = 100_000


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


@dataclass(frozen=True)
class _DomainState:
    """What the answers of one domain say: the belief over the levels and the best next item."""

    belief: tuple[float, ...]
    best: BankItem | None
    gain: float
    # The most likely level (the lower one on a tie), and whether it is settled.
    level: int
    settled: bool


_MEMOS: dict[tuple[BankItem, ...], dict[tuple, "_DomainState"]] = {}
_MEMOS_LIMIT = 16


def _shared_memo(items: tuple[BankItem, ...]) -> dict[tuple, "_DomainState"]:
    memo = _MEMOS.get(items)
    if memo is None:
        if len(_MEMOS) >= _MEMOS_LIMIT:
            _MEMOS.clear()
        memo = _MEMOS[items] = {}
    return memo


class ItemBank:
    """One form's items by (domain, level), each cell in the form's order."""

    def __init__(self, items: Iterable[BankItem]):
        self._cells: dict[tuple[str, int], tuple[BankItem, ...]] = {}
        self._by_key: dict[str, BankItem] = {}
        for item in items:
            cell = (item.domain, item.level)
            self._cells[cell] = (*self._cells.get(cell, ()), item)
            self._by_key[item.key] = item
        # Domain states by (domain, its answers, its items answered under another domain),
        # shared by the banks of the same items (the page builds one per request).
        self._memo = _shared_memo(tuple(self._by_key.values()))

    def cell(self, domain: str, level: int) -> tuple[BankItem, ...]:
        return self._cells.get((domain, level), ())

    def domains(self) -> list[str]:
        return sorted({domain for domain, _level in self._cells})

    def item(self, key: str) -> BankItem | None:
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self._by_key)


# --- the belief --------------------------------------------------------------------------


def _p_right(item_level: int, guess_rate: float, level: int) -> float:
    return P_KNOWN if item_level <= level else guess_rate


def _update(
    belief: Sequence[float], item_level: int, guess_rate: float, correct: bool
) -> tuple[float, ...]:
    weights = []
    for level, weight in zip(LEVELS, belief, strict=True):
        p_right = _p_right(item_level, guess_rate, level)
        weights.append(weight * (p_right if correct else 1.0 - p_right))
    total = sum(weights)
    if total <= 0.0:
        # Answers the model calls impossible (a typed answer right far above the level
        # after a sure failure...): keep the belief rather than divide by zero.
        return tuple(belief)
    return tuple(weight / total for weight in weights)


def _entropy(belief: Sequence[float]) -> float:
    return -sum(p * math.log(p) for p in belief if p > 0.0)


def _gain(belief: Sequence[float], item: BankItem) -> float:
    """The expected drop of the belief's entropy once the item is answered."""
    p_right = sum(
        weight * _p_right(item.level, item.guess_rate, level)
        for level, weight in zip(LEVELS, belief, strict=True)
    )
    expected = 0.0
    for correct, p_answer in ((True, p_right), (False, 1.0 - p_right)):
        if p_answer > 0.0:
            expected += p_answer * _entropy(_update(belief, item.level, item.guess_rate, correct))
    return round(_entropy(belief) - expected, _GAIN_DIGITS)


def _start_levels() -> list[int]:
    """Levels by distance to START_LEVEL, the harder one first on a tie (level 0 tells little)."""
    return sorted(LEVELS, key=lambda level: (abs(level - START_LEVEL), -level))


def _domain_state(
    bank: ItemBank,
    domain: str,
    answers: frozenset[tuple[str, int, bool]],
    last: tuple[int, bool] | None = None,
    strays: frozenset[str] = frozenset(),
) -> _DomainState:
    """The belief and the best next item of one domain, from its answers only.

    `last` is the (level, correct) of the domain's last answer: after a success the next
    item is not easier, after a failure not harder (the staircase), while such an item is
    left; otherwise any unused item of the domain.
    """
    memo_key = (domain, answers, last, strays)
    state = bank._memo.get(memo_key)
    if state is not None:
        return state
    belief: tuple[float, ...] = PRIOR
    # Sorted, so that the belief is the same float whatever the order of the answers.
    for key, level, correct in sorted(answers):
        known = bank.item(key)
        guess_rate = known.guess_rate if known is not None else UNKNOWN_GUESS_RATE
        belief = _update(belief, level, guess_rate, correct)
    asked = strays | {key for key, _level, _correct in answers}
    best: BankItem | None = None
    best_gain = 0.0
    if not answers:
        for level in _start_levels():
            unused = [item for item in bank.cell(domain, level) if item.key not in asked]
            if unused:
                # The most telling item of the start cell (the lowest guess rate).
                best = max(unused, key=lambda item: _gain(belief, item))
                best_gain = _gain(belief, best)
                break
    else:
        unused = [
            item for level in LEVELS for item in bank.cell(domain, level) if item.key not in asked
        ]
        if last is not None and STAIRCASE:
            last_level, last_correct = last
            ahead = [
                item
                for item in unused
                if (item.level >= last_level if last_correct else item.level <= last_level)
            ]
            unused = ahead or unused
        for item in unused:
            gain = _gain(belief, item)
            if best is None or gain > best_gain:
                best, best_gain = item, gain
    likeliest = max(belief)
    state = _DomainState(
        belief=belief,
        best=best,
        gain=best_gain,
        level=belief.index(likeliest),
        settled=likeliest >= CERTAIN,
    )
    if len(bank._memo) >= _MEMO_LIMIT:
        bank._memo.clear()
    bank._memo[memo_key] = state
    return state


def _first_answers(history: Sequence[Response]) -> Sequence[Response]:
    """The history with only the first answer to each item (a replay may repeat one)."""
    if len({response.key for response in history}) == len(history):
        return history
    seen: set[str] = set()
    first = []
    for response in history:
        if response.key not in seen:
            seen.add(response.key)
            first.append(response)
    return first


def _states(
    bank: ItemBank, domains: Sequence[str], answers: Sequence[Response]
) -> dict[str, _DomainState]:
    own: dict[str, list[tuple[str, int, bool]]] = {domain: [] for domain in domains}
    last: dict[str, tuple[int, bool]] = {}
    # Items of a domain answered under another domain's name (a bank that changed): they
    # are not asked again either.
    strays: dict[str, set[str]] = {}
    lookup = bank.item
    for response in answers:
        mine = own.get(response.domain)
        if mine is not None:
            mine.append((response.key, response.level, response.correct))
            last[response.domain] = (response.level, response.correct)
        item = lookup(response.key)
        if item is not None and item.domain != response.domain:
            strays.setdefault(item.domain, set()).add(response.key)
    none: frozenset[str] = frozenset()
    return {
        domain: _domain_state(
            bank,
            domain,
            frozenset(own[domain]),
            last.get(domain),
            frozenset(strays.get(domain, ())) if strays else none,
        )
        for domain in domains
    }


# --- the rules ---------------------------------------------------------------------------


def next_item(
    bank: ItemBank, domains: Sequence[str], history: Sequence[Response]
) -> BankItem | None:
    """The next item to ask, or None when the sitting is over."""
    answers = _first_answers(history)
    if len(answers) >= MAX_ITEMS:
        return None
    states = _states(bank, domains, answers)
    askable = [state for state in states.values() if state.best is not None]
    candidates = [state for state in askable if not state.settled]
    if not candidates:
        if len(answers) >= MIN_ITEMS:
            return None
        # Every domain is settled before the minimum: the sitting still asks MIN_ITEMS
        # items (issue 13), the most telling ones left.
        candidates = askable
    if not candidates:
        return None
    chosen = candidates[0]
    for state in candidates[1:]:
        if state.gain > chosen.gain:  # the first domain in the given order wins a tie
            chosen = state
    if answers:
        stay = states.get(answers[-1].domain)
        in_play = stay is not None and any(stay is state for state in candidates)
        if in_play and stay is not None and stay.gain >= STAY_RATIO * chosen.gain:
            chosen = stay
    return chosen.best


def estimate(bank: ItemBank, domains: Sequence[str], history: Sequence[Response]) -> dict[str, int]:
    """The level per domain that the answers so far give (the most likely one)."""
    states = _states(bank, domains, _first_answers(history))
    return {domain: states[domain].level for domain in domains}


def beliefs(
    bank: ItemBank, domains: Sequence[str], history: Sequence[Response]
) -> dict[str, tuple[float, ...]]:
    """Per domain, the probability of each level 0–4 given the answers (simulator, tests)."""
    states = _states(bank, domains, _first_answers(history))
    return {domain: states[domain].belief for domain in domains}
