"""The demo's figures from before Tisser: the press release's « 37 000 personnes en 6 ans »
and « plus de 8 000 personnes avec ses offres d'accès solidaires en 2018 » (shared/seed/),
as a network admin would enter them from the yearly activity reports.

Deterministic, no randomness: the six years before the demo's first records, growing year
on year (weights 3 to 8), each year's people shared between the spaces open that year (the
network opened its spaces one after the other; Strasbourg, the press release's new space,
has no figure from before). The table is the whole network's (exactly 37,000 and 8,000);
a profile with fewer spaces writes only its spaces' rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Min

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.activities.models import Activity
from tisser.core.clock import ManualClock, localdate
from tisser.reporting.models import HistoricFigure

PEOPLE_HELPED = "people_helped"
PEOPLE_OFFERS = "people_offers"
YEARS = 6
PEOPLE_HELPED_TOTAL = 37_000
# « 8 000 personnes … en 2018 »: the last year before Tisser stands for 2018.
PEOPLE_OFFERS_LAST_YEAR = 8_000
YEAR_WEIGHTS = (3, 4, 5, 6, 7, 8)
# The year (0 = the first of the six) each space opened; Strasbourg opens with Tisser.
OPENED = {
    "PARBEL": 0,
    "PARFLA": 0,
    "LILMOU": 1,
    "LILFIV": 2,
    "MARBEL": 2,
    "LYOGUI": 3,
    "LYOVAI": 4,
    "BORBAS": 4,
    "TLSMIR": 5,
    "GREVIL": 5,
    "NTEBEL": 5,
}


@dataclass
class DemoHistoricResult:
    figures: int
    first_year: int | None
    last_year: int | None


def shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, whole numbers adding up exactly
    (largest remainders, ties to the first)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    parts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: (parts[index] - exact[index], index))
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def table(last_year: int) -> list[tuple[str, int, str, int]]:
    """Every (site code, year, indicator, value) of the whole network's figures."""
    years = list(range(last_year - YEARS + 1, last_year + 1))
    rows = []
    for offset, (year, people) in enumerate(
        zip(years, shares(PEOPLE_HELPED_TOTAL, list(YEAR_WEIGHTS)), strict=True)
    ):
        open_sites = sorted(code for code, opened in OPENED.items() if opened <= offset)
        for code, value in zip(open_sites, shares(people, [1] * len(open_sites)), strict=True):
            rows.append((code, year, PEOPLE_HELPED, value))
        if year == last_year:
            offers = shares(PEOPLE_OFFERS_LAST_YEAR, [1] * len(open_sites))
            for code, value in zip(open_sites, offers, strict=True):
                rows.append((code, year, PEOPLE_OFFERS, value))
    return rows


def seed_demo_historic(*, network: Organisation, clock: ManualClock) -> DemoHistoricResult:
    """Write the figures from before Tisser for the network's spaces (after the activities:
    the six years end the year before the first one recorded)."""
    today = localdate()
    first = Activity.objects.filter(site__network=network).aggregate(first=Min("date"))["first"]
    last_year = (first or today).year - 1
    admin = (
        Membership.objects.filter(organisation=network, role=Role.NETWORK_ADMIN, is_active=True)
        .order_by("pk")
        .first()
    )
    sites = {site.short_code: site for site in Site.objects.filter(network=network)}
    figures = []
    for code, year, indicator, value in table(last_year):
        if code not in sites:
            continue
        figure = HistoricFigure(
            site=sites[code],
            year=year,
            indicator=indicator,
            value=value,
            source=f"Rapport d'activité {year}",
            entered_by=admin.user if admin else None,
        )
        figure.full_clean()
        figures.append(figure)
    HistoricFigure.objects.bulk_create(figures)
    years = [figure.year for figure in figures]
    return DemoHistoricResult(
        figures=len(figures),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )
