"""Figures of the skills diagnostic for reporting: pure reads, aggregated in the database.

The definitions are in docs/decisions/0052-skills-diagnostic.md ("Results, figures and
demo"). In short: only finished sittings count, on the day they finished; a gain is the
exit level minus the entry level in one domain, for an exit and the entry of the same
accompaniment period (the latest one finished before the exit); a person is "autonomous at
exit" when their latest exit of the selection is at level 3 or more in every domain it
measured.

Scoping, as the sales figures do it (``tisser.sales.reporting``: a scope from the reader's
membership, narrowed by a filter, never widened — the idea, not the code: diagnostics sit
below sales): a network admin reads the whole network, a site team its own site, anyone
else nothing. ``DiagnosticFilter`` narrows by dates, site, and any set of files (a
queryset of ``Beneficiary`` or ids: a later issue passes a cohort).

Each selector runs a fixed number of queries whatever the volume.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from tisser.accounts.enums import Role
from tisser.accounts.models import Organisation
from tisser.core.dates import start_of_day
from tisser.diagnostics.enums import AUTONOMY_LEVEL, LEVEL_MAX, DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult

NETWORK_READERS = frozenset({Role.NETWORK_ADMIN})
SITE_READERS = frozenset({Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER})
HUNDREDTH = Decimal("0.01")


# --- scope and filter ------------------------------------------------------------------


@dataclass(frozen=True)
class FigureScope:
    """What a reader may count. ``network_id`` None: nothing; ``site_ids`` None: every
    site of the network."""

    network_id: int | None
    site_ids: frozenset[int] | None = None


NOTHING = FigureScope(network_id=None)


@dataclass(frozen=True)
class DiagnosticFilter:
    """Optional date range (inclusive, Paris days, on the day a sitting finished), site,
    and set of files (a ``Beneficiary`` queryset or ids)."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    site_id: int | None = None
    files: QuerySet | Iterable[int] | None = field(default=None, compare=False)


EVERYTHING = DiagnosticFilter()


def figure_scope(membership) -> FigureScope:
    """What ``membership`` may count (at most one query)."""
    if membership is None or not membership.is_active:
        return NOTHING
    if membership.role in NETWORK_READERS:
        return FigureScope(network_id=membership.organisation_id)
    if membership.role not in SITE_READERS:
        return NOTHING
    network_id = (
        Organisation.objects.filter(pk=membership.organisation_id)
        .values_list("network_id", flat=True)
        .first()
    )
    if network_id is None:
        return NOTHING
    return FigureScope(network_id=network_id, site_ids=frozenset({membership.organisation_id}))


def _finished(scope: FigureScope, flt: DiagnosticFilter, *, kind: str | None = None) -> QuerySet:
    """The finished sittings the scope and the filter select (a lazy queryset, no query)."""
    if scope.network_id is None:
        return Diagnostic.objects.none()
    rows = Diagnostic.objects.filter(
        status=DiagnosticStatus.FINISHED, site__network_id=scope.network_id
    )
    if scope.site_ids is not None:
        rows = rows.filter(site_id__in=sorted(scope.site_ids))
    if flt.site_id is not None:
        rows = rows.filter(site_id=flt.site_id)
    if flt.start is not None:
        rows = rows.filter(finished_at__gte=start_of_day(flt.start))
    if flt.end is not None:
        rows = rows.filter(finished_at__lt=start_of_day(flt.end + datetime.timedelta(days=1)))
    if flt.files is not None:
        files = flt.files
        if not isinstance(files, QuerySet):
            files = sorted({int(pk) for pk in files})
        rows = rows.filter(beneficiary__in=files)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows


def _scope(membership, scope: FigureScope | None) -> FigureScope:
    return scope if scope is not None else figure_scope(membership)


# --- the figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    entry: int
    exit: int

    @property
    def total(self) -> int:
        return self.entry + self.exit


def diagnostic_counts(
    membership=None, flt: DiagnosticFilter = EVERYTHING, *, scope: FigureScope | None = None
) -> Counts:
    """How many entry and exit diagnostics finished (one query, plus the scope's)."""
    totals = _finished(_scope(membership, scope), flt).aggregate(
        entry=Count("pk", filter=Q(kind=DiagnosticKind.ENTRY)),
        exit=Count("pk", filter=Q(kind=DiagnosticKind.EXIT)),
    )
    return Counts(entry=totals["entry"], exit=totals["exit"])


def entry_levels(
    membership=None, flt: DiagnosticFilter = EVERYTHING, *, scope: FigureScope | None = None
) -> dict[str, list[int]]:
    """Per domain, how many entry diagnostics found each level: ``{domain: [n0, …, n4]}``
    (one query, plus the scope's)."""
    entries = _finished(_scope(membership, scope), flt, kind=DiagnosticKind.ENTRY)
    rows = (
        DiagnosticResult.objects.filter(diagnostic__in=entries)
        .values("domain", "level")
        .annotate(count=Count("pk"))
        .order_by()
    )
    found: dict[str, list[int]] = {}
    for row in rows:
        found.setdefault(row["domain"], [0] * (LEVEL_MAX + 1))[row["level"]] = row["count"]
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class DomainGain:
    """Entry/exit pairs in one domain: how many, the levels gained in all, up/same/down."""

    pairs: int
    total_gain: int
    up: int
    same: int
    down: int

    @property
    def mean_gain(self) -> Decimal:
        if not self.pairs:
            return Decimal("0.00")
        return (Decimal(self.total_gain) / self.pairs).quantize(HUNDREDTH, ROUND_HALF_UP)


def entry_level() -> Subquery:
    """The entry level paired with an exit's result (the outer ``DiagnosticResult`` row):
    the level in the same domain of the person's latest entry of the same accompaniment
    period finished before the exit."""
    return Subquery(
        DiagnosticResult.objects.filter(
            domain=OuterRef("domain"),
            diagnostic__beneficiary_id=OuterRef("diagnostic__beneficiary_id"),
            diagnostic__period_id=OuterRef("diagnostic__period_id"),
            diagnostic__kind=DiagnosticKind.ENTRY,
            diagnostic__status=DiagnosticStatus.FINISHED,
            diagnostic__finished_at__lt=OuterRef("diagnostic__finished_at"),
        )
        .order_by("-diagnostic__finished_at", "-diagnostic_id")
        .values("level")[:1]
    )


def gains(
    membership=None, flt: DiagnosticFilter = EVERYTHING, *, scope: FigureScope | None = None
) -> dict[str, DomainGain]:
    """Per domain, the gain between entry and exit (one query, plus the scope's). The
    exits are those the scope and filter select; their entries may be older."""
    exits = _finished(_scope(membership, scope), flt, kind=DiagnosticKind.EXIT).filter(
        period__isnull=False
    )
    rows = (
        DiagnosticResult.objects.filter(diagnostic__in=exits)
        .annotate(entry_level=entry_level())
        .filter(entry_level__isnull=False)
        .values("domain")
        .annotate(
            pairs=Count("pk"),
            total_gain=Sum(F("level") - F("entry_level")),
            up=Count("pk", filter=Q(level__gt=F("entry_level"))),
            same=Count("pk", filter=Q(level=F("entry_level"))),
            down=Count("pk", filter=Q(level__lt=F("entry_level"))),
        )
        .order_by("domain")
    )
    return {
        row["domain"]: DomainGain(
            pairs=row["pairs"],
            total_gain=row["total_gain"] or 0,
            up=row["up"],
            same=row["same"],
            down=row["down"],
        )
        for row in rows
    }


@dataclass(frozen=True)
class Autonomy:
    """People with an exit diagnostic in the selection, and how many were autonomous."""

    people: int
    autonomous: int

    @property
    def share(self) -> Decimal:
        """The share of people autonomous at exit, between 0 and 1 (two decimals)."""
        if not self.people:
            return Decimal("0.00")
        return (Decimal(self.autonomous) / self.people).quantize(HUNDREDTH, ROUND_HALF_UP)


def autonomy_at_exit(
    membership=None, flt: DiagnosticFilter = EVERYTHING, *, scope: FigureScope | None = None
) -> Autonomy:
    """How many people had an exit diagnostic in the selection, and how many of them were
    autonomous at exit: their latest selected exit measured at least one domain and every
    domain it measured is at level 3 or more (one query, plus the scope's)."""
    selected = _finished(_scope(membership, scope), flt, kind=DiagnosticKind.EXIT)
    latest = selected.filter(
        pk=Subquery(
            selected.filter(beneficiary_id=OuterRef("beneficiary_id"))
            .order_by("-finished_at", "-pk")
            .values("pk")[:1]
        )
    )
    measured = Exists(DiagnosticResult.objects.filter(diagnostic_id=OuterRef("pk")))
    below = Exists(
        DiagnosticResult.objects.filter(diagnostic_id=OuterRef("pk"), level__lt=AUTONOMY_LEVEL)
    )
    totals = latest.aggregate(
        people=Count("pk"), autonomous=Count("pk", filter=Q(measured) & ~Q(below))
    )
    return Autonomy(people=totals["people"], autonomous=totals["autonomous"])
