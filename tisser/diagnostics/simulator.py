"""The simulator of the adaptive rules (issue 13), as Pix has for its own algorithms.

Synthetic learners take a sitting through the very code the pages run (adaptive.next_item
and adaptive.estimate), without the database. Their parameters are fixed by the issue and
may not be tuned: the true level in each domain is drawn 30 / 30 / 20 / 12 / 8 % over the
levels 0–4; an item is answered right with probability 0.9 when its level is at or below
the learner's, otherwise at the item's guess rate.

The figures are per (learner, domain): how often the estimated level is the true one,
how often it is within one level, and how many items a sitting took.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from tisser.diagnostics import adaptive
from tisser.diagnostics.adaptive import BankItem, ItemBank, Response

TRUE_LEVEL_WEIGHTS = (0.30, 0.30, 0.20, 0.12, 0.08)
P_RIGHT_AT_OR_BELOW = 0.9


@dataclass
class DomainFigures:
    domain: str
    learners: int = 0
    exact: int = 0
    within_one: int = 0
    items: int = 0

    @property
    def exact_share(self) -> float:
        return self.exact / self.learners if self.learners else 0.0

    @property
    def within_one_share(self) -> float:
        return self.within_one / self.learners if self.learners else 0.0

    @property
    def mean_items(self) -> float:
        return self.items / self.learners if self.learners else 0.0


@dataclass
class SimulationReport:
    learners: int
    domains: tuple[str, ...]
    seed: int
    exact_share: float
    within_one_share: float
    mean_items: float
    min_items: int
    max_items: int
    per_domain: dict[str, DomainFigures] = field(default_factory=dict)
    # How many learners had each number of items.
    items_histogram: dict[int, int] = field(default_factory=dict)


def draw_level(rng: random.Random) -> int:
    return rng.choices(adaptive.LEVELS, weights=TRUE_LEVEL_WEIGHTS)[0]


def answers_right(rng: random.Random, item: BankItem, true_level: int) -> bool:
    p_right = P_RIGHT_AT_OR_BELOW if item.level <= true_level else item.guess_rate
    return rng.random() < p_right


def sit(
    bank: ItemBank, domains: Sequence[str], true_levels: dict[str, int], rng: random.Random
) -> tuple[list[Response], dict[str, int]]:
    """One synthetic sitting: the answers given and the levels estimated."""
    history: list[Response] = []
    while (item := adaptive.next_item(bank, domains, history)) is not None:
        correct = answers_right(rng, item, true_levels[item.domain])
        history.append(Response(item.key, item.domain, item.level, correct))
        if len(history) > adaptive.MAX_ITEMS:
            raise AssertionError("the rules asked more than MAX_ITEMS items")
    return history, adaptive.estimate(bank, domains, history)


def simulate(
    bank: ItemBank, domains: Sequence[str], *, learners: int, seed: int
) -> SimulationReport:
    """Run `learners` synthetic sittings over `domains` with a fixed seed (reproducible)."""
    if learners < 1:
        raise ValueError("learners must be at least 1")
    domains = tuple(domains)
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic learners, not secrets)
    per_domain = {domain: DomainFigures(domain) for domain in domains}
    histogram: dict[int, int] = {}
    exact = within_one = total_items = 0
    for _learner in range(learners):
        true_levels = {domain: draw_level(rng) for domain in domains}
        history, levels = sit(bank, domains, true_levels, rng)
        histogram[len(history)] = histogram.get(len(history), 0) + 1
        total_items += len(history)
        for domain in domains:
            figures = per_domain[domain]
            gap = abs(levels[domain] - true_levels[domain])
            figures.learners += 1
            figures.exact += gap == 0
            figures.within_one += gap <= 1
            figures.items += sum(response.domain == domain for response in history)
            exact += gap == 0
            within_one += gap <= 1
    pairs = learners * len(domains)
    return SimulationReport(
        learners=learners,
        domains=domains,
        seed=seed,
        exact_share=exact / pairs if pairs else 0.0,
        within_one_share=within_one / pairs if pairs else 0.0,
        mean_items=total_items / learners,
        min_items=min(histogram),
        max_items=max(histogram),
        per_domain=per_domain,
        items_histogram=dict(sorted(histogram.items())),
    )


def report_lines(report: SimulationReport, *, title: str = "") -> list[str]:
    """The report as a plain-text table (the management command and the benchmark print it)."""
    lines = []
    if title:
        lines.append(title)
    lines.append(
        f"{report.learners} learners, seed {report.seed}, domains: {', '.join(report.domains)}"
    )
    lines.append(f"{'domain':<14}{'exact':>8}{'within 1':>10}{'items':>8}")
    for figures in report.per_domain.values():
        lines.append(
            f"{figures.domain:<14}{figures.exact_share:>8.1%}{figures.within_one_share:>10.1%}"
            f"{figures.mean_items:>8.2f}"
        )
    lines.append(
        f"{'all':<14}{report.exact_share:>8.1%}{report.within_one_share:>10.1%}"
        f"{report.mean_items:>8.2f}"
    )
    lines.append(
        f"items per sitting: min {report.min_items}, mean {report.mean_items:.2f}, "
        f"max {report.max_items}"
    )
    return lines
