"""Figures of the self-paced modules for reporting: pure reads, aggregated in the database.

Definitions (decision 0053, « Figures »), over the modules a reader may see
(``ModuleProgress.objects.visible_to(membership)``: the network for its admins, a site
team its own site, nothing for the others), narrowed by a ``LearningFilter`` (sites,
a framework domain, a date range, or any set of files), never widened:

- **started**: modules started within the dates (``started_at``), one per person and module;
- **finished**: modules finished within the dates (``finished_at``);
- **completion rate**: of the modules started within the dates, the share finished since
  (in per cent, one decimal; ``None`` when none started);
- **time spent**: seconds counted on the modules started within the dates;
- **learners**: people who started a module within the dates;
- **most-failed steps**: the steps whose answer was shown after three misses most often,
  then the most missed, on the modules started within the dates.

Without dates, every module counts. Each selector runs a fixed number of queries whatever
the volume.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from tisser.core.dates import start_of_day
from tisser.learning import content
from tisser.learning.follow_up import FailingStep, failing_steps
from tisser.learning.models import ModuleProgress, StepResult

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class LearningFilter:
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None  # included
    site_ids: tuple[int, ...] | None = None
    domain: str = ""
    beneficiary_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class LearningFigures:
    started: int = 0
    finished: int = 0
    started_then_finished: int = 0
    seconds: int = 0
    learners: int = 0

    @property
    def completion_rate(self) -> Decimal | None:
        if not self.started:
            return None
        rate = Decimal(100 * self.started_then_finished) / Decimal(self.started)
        return rate.quantize(TENTH, rounding=ROUND_HALF_UP)

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


def _in_dates(field: str, flt: LearningFilter) -> Q:
    where = Q()
    if flt.starts_on is not None:
        where &= Q(**{f"{field}__gte": start_of_day(flt.starts_on)})
    if flt.ends_on is not None:
        where &= Q(**{f"{field}__lt": start_of_day(flt.ends_on + datetime.timedelta(days=1))})
    return where


def _progress(membership, flt: LearningFilter) -> QuerySet[ModuleProgress]:
    rows = ModuleProgress.objects.visible_to(membership)
    if flt.site_ids is not None:
        rows = rows.filter(beneficiary__site_id__in=flt.site_ids)
    if flt.beneficiary_ids is not None:
        rows = rows.filter(beneficiary_id__in=flt.beneficiary_ids)
    if flt.domain:
        rows = rows.filter(module_key__in=[m.key for m in content.modules_for(flt.domain)])
    return rows.order_by()


def _aggregates(flt: LearningFilter) -> dict:
    started = _in_dates("started_at", flt)
    finished = _in_dates("finished_at", flt) & Q(finished_at__isnull=False)
    return {
        "started": Count("pk", filter=started),
        "finished": Count("pk", filter=finished),
        "started_then_finished": Count("pk", filter=started & Q(finished_at__isnull=False)),
        "seconds": Sum("seconds_spent", filter=started, default=0),
        "learners": Count("beneficiary", filter=started, distinct=True),
    }


def learning_figures(*, membership, flt: LearningFilter | None = None) -> LearningFigures:
    """The figures over everything the filter keeps (one query)."""
    flt = flt or LearningFilter()
    return LearningFigures(**_progress(membership, flt).aggregate(**_aggregates(flt)))


def figures_by_site(*, membership, flt: LearningFilter | None = None) -> dict[int, LearningFigures]:
    """The figures per site of the people's files (one query); sites with nothing are left out."""
    flt = flt or LearningFilter()
    rows = (
        _progress(membership, flt)
        .values("beneficiary__site_id")
        .annotate(**_aggregates(flt))
        .order_by("beneficiary__site_id")
    )
    return {
        row.pop("beneficiary__site_id"): LearningFigures(**row)
        for row in rows
        if row["started"] or row["finished"]
    }


def figures_by_domain(
    *, membership, flt: LearningFilter | None = None
) -> dict[str, LearningFigures]:
    """The figures per framework domain of the modules (two queries: per module, then the
    people; a person counts once in each domain they started a module of)."""
    flt = flt or LearningFilter()
    domain_of = {m.key: m.domain for m in content.modules()}
    aggregates = {name: value for name, value in _aggregates(flt).items() if name != "learners"}
    per_module = (
        _progress(membership, flt)
        .filter(module_key__in=list(domain_of))
        .values("module_key")
        .annotate(**aggregates)
        .order_by("module_key")
    )
    people = (
        _progress(membership, flt)
        .filter(_in_dates("started_at", flt), module_key__in=list(domain_of))
        .values_list("module_key", "beneficiary_id")
    )
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in per_module:
        domain = domain_of[row.pop("module_key")]
        for name, value in row.items():
            sums[domain][name] += value or 0
    who: dict[str, set[int]] = defaultdict(set)
    for key, person in people:
        who[domain_of[key]].add(person)
    return {
        domain: LearningFigures(**values, learners=len(who[domain]))
        for domain, values in sums.items()
        if values["started"] or values["finished"]
    }


def most_failed_steps(
    *, membership, flt: LearningFilter | None = None, limit: int = 10
) -> list[FailingStep]:
    """The steps failed most on the modules started within the filter (one query): answers
    shown, then misses; a step is named by its module and its title (to improve content)."""
    flt = flt or LearningFilter()
    started = _progress(membership, flt).filter(_in_dates("started_at", flt))
    results = StepResult.objects.visible_to(membership).filter(progress__in=started.values("pk"))
    return failing_steps(results, limit=limit)
