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
# The target of issue 13: over (learner, domain) pairs, in at most MAX_ITEMS items.
TARGET_EXACT = 0.70
TARGET_WITHIN_ONE = 0.93


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


def meets_target(report: "SimulationReport") -> bool:
    return (
        report.exact_share >= TARGET_EXACT
        and report.within_one_share >= TARGET_WITHIN_ONE
        and report.max_items <= adaptive.MAX_ITEMS
    )


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


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


def report_lines(report: SimulationReport, *, title: str = "") -> list[str]:
    """The report as a plain-text table in French (the management command prints it)."""
    lines = [title] if title else []
    lines.append(
        f"{report.learners} personnes simulées, graine {report.seed}, "
        f"domaines : {', '.join(report.domains)}"
    )
    lines.append(f"{'domaine':<14}{'exact':>10}{'à 1 près':>11}{'questions':>11}")
    rows = [
        (figures.domain, figures.exact_share, figures.within_one_share, figures.mean_items)
        for figures in report.per_domain.values()
    ]
    rows.append(("ensemble", report.exact_share, report.within_one_share, report.mean_items))
    for name, exact, within_one, items in rows:
        mean = f"{items:.2f}".replace(".", ",")
        lines.append(f"{name:<14}{_percent(exact):>10}{_percent(within_one):>11}{mean:>11}")
    lines.append(
        f"questions par passation : au moins {report.min_items}, "
        f"en moyenne {report.mean_items:.2f}, au plus {report.max_items}".replace(".", ",")
    )
    return lines
