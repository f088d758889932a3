"""What an indicator is (decision 0055): a code, its words, and where its rows come from.

An indicator of measure PEOPLE or SUM has a ``rows`` function, its **reference
implementation**: given a :class:`Window`, it returns a queryset of dicts with exactly
these keys, one per source record (repeats allowed):

- ``site_id`` (int): the site the record belongs to;
- ``day`` (date): the Paris day it counts on;
- ``key`` (str): its breakdown value (an offer family, a domain…), ``""`` when none;
- ``facet`` (str): ``"<FacetKind>:<id>"`` (see :func:`tisser.reporting.rows.facet`) when the
  indicator has a ``facet_kind`` and the record has one, else ``""``;
- ``person`` (int, PEOPLE): the file counted, merged files resolved to the file kept;
- ``amount`` (int or Decimal, SUM): what the record adds.

The raw figure is COUNT(DISTINCT person) or SUM(amount) of those rows; the roll-ups store
the same rows grouped per site × day (and month, year), so both paths give the same answer.
A RATIO is ``numerator ÷ denominator`` (two other indicators' codes).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise

from tisser.reporting.enums import FacetKind, Group, Measure, Reach, Unit

# The filters a dashboard offers; an indicator lists those that narrow it.
SITE, CITY, PROGRAMME, PARTNER, FUNDER = "site", "city", "programme", "partner", "funder"


@dataclass(frozen=True)
class Window:
    """Days ``start`` to ``end`` inclusive, at ``site_ids`` (None: every site)."""

    start: datetime.date
    end: datetime.date
    site_ids: frozenset[int] | None = None


Rows = Callable[[Window], QuerySet]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    definition: str | Promise  # plain French, shown in the glossary
    unit: Unit
    group: Group
    measure: Measure
    dimension: str  # tisser.core.stale_figures: the writes that change it
    sources: str | Promise  # the records it is drawn from, in words
    rows: Rows | None = None  # PEOPLE and SUM
    numerator: str | None = None  # RATIO
    denominator: str | None = None  # RATIO
    # For SUM and RATIO: the PEOPLE indicator whose count is the « moins de 10 » base
    # (a RATIO defaults to its denominator's base).
    base: str | None = None
    facet_kind: FacetKind | None = None
    reach: Reach = Reach.SITES
    # Breakdown keys and their labels (the ``key`` column), if the indicator has any.
    keys: Callable[[], dict[str, str]] | None = None
    # The press release's figure this indicator answers (seed/), in words.
    seed_figure: str | Promise = ""
    filters: frozenset[str] = field(default=frozenset({SITE, CITY, FUNDER}))
    # Hundredths of the value for a SUM stored in minutes etc.: the value is divided by it.
    divisor: int = 1
