"""What a dashboard holds once built (``tisser/reporting/dashboard.py``), shared by the page,
the XLSX and CSV exports and the PDF reports: one build, several renderings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString

from tisser.reporting.enums import Group
from tisser.reporting.indicators import Indicator


class Audience:
    """Who reads: staff see exact figures; funders and the public see « moins de 10 »."""

    STAFF = "staff"
    FUNDER = "funder"
    PUBLIC = "public"


@dataclass(frozen=True)
class Shown:
    """A figure as its reader may see it: ``text`` is always what to print (French
    format, « moins de 10 », « — »); ``value`` is the number, None when hidden or empty."""

    text: str
    value: int | Decimal | None
    hidden: bool = False
    # How many people the figure is drawn from (the « moins de 10 » base); None when
    # nothing is shown. Kept so that a test can prove no figure from 1 to 9 people shows.
    base: int | None = field(default=None, compare=False)


@dataclass
class FigureLine:
    indicator: Indicator
    current: Shown
    previous: Shown | None = None  # the previous period's, when comparing
    change: str = ""  # « +12 % », « stable », « — » (words, never a colour alone)


@dataclass
class GroupBlock:
    group: Group
    label: str
    lines: list[FigureLine]


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str | Shown]]
    caption: str = ""


@dataclass
class Chart:
    code: str  # unique on the page: the "download the data" link names it
    title: str
    svg: SafeString  # drawn on the server, the same for the page and the PDF
    table: Table  # its data, for screen readers and the download


@dataclass
class Dashboard:
    title: str
    audience: str
    start: datetime.date
    end: datetime.date
    filters: list[tuple[str, str]]  # (label, value) as the reader chose them, in words
    groups: list[GroupBlock]
    charts: list[Chart] = field(default_factory=list)
    per_site: Table | None = None
    previous_start: datetime.date | None = None
    previous_end: datetime.date | None = None
    generated_at: datetime.datetime | None = None
