"""The verification of the roll-ups (decision 0055): every stored indicator and ratio,
recomputed from the raw records and read from the roll-ups, for the whole network and for
each site, over the period, per month, per key and (network) per site; any difference is
reported. ``manage.py reporting_verify`` prints them; the CI runs it on the demo data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import Organisation, Site
from tisser.reporting import catalogue, figures
from tisser.reporting.figures import Selection


@dataclass(frozen=True)
class Difference:
    network_id: int
    scope: str  # "réseau" or "espace <id>"
    code: str
    split: str  # "période", "mois 2026-01-01", "clé …", "espace …"
    raw: object
    rollups: object

    def __str__(self) -> str:
        return (
            f"{self.code} [{self.scope}, {self.split}] : données brutes {self.raw!r}, "
            f"consolidé {self.rollups!r}"
        )


@dataclass
class Report:
    compared: int
    differences: list[Difference]


def verify(start: datetime.date, end: datetime.date, *, network_id: int | None = None) -> Report:
    networks = Organisation.objects.filter(kind=OrganisationKind.NETWORK)
    if network_id is not None:
        networks = networks.filter(pk=network_id)
    codes = list(catalogue.catalogue())
    report = Report(compared=0, differences=[])
    for network in networks.order_by("pk").values_list("pk", flat=True):
        whole = Selection(network_id=network, start=start, end=end)
        _compare(report, whole, codes, "réseau", ("month", "key", "site"))
        sites = Site.objects.filter(network_id=network).order_by("pk")
        for site in sites.values_list("pk", flat=True):
            one = Selection(network_id=network, start=start, end=end, site_ids=frozenset({site}))
            _compare(report, one, codes, f"espace {site}", ("month", "key"))
    return report


def _compare(report: Report, selection: Selection, codes: list[str], scope: str, splits) -> None:
    raw = figures.compute(selection, codes, source="raw")
    rolled = figures.compute(selection, codes, source="rollups")
    for code in codes:
        report.compared += 1
        if raw[code] != rolled[code]:
            report.differences.append(
                Difference(selection.network_id, scope, code, "période", raw[code], rolled[code])
            )
    for by in splits:
        raw_split = figures.compute_split(selection, codes, by=by, source="raw")
        rolled_split = figures.compute_split(selection, codes, by=by, source="rollups")
        for code in codes:
            raw_parts, rolled_parts = raw_split.get(code, {}), rolled_split.get(code, {})
            for part in sorted(set(raw_parts) | set(rolled_parts), key=str):
                report.compared += 1
                if raw_parts.get(part) != rolled_parts.get(part):
                    report.differences.append(
                        Difference(
                            selection.network_id,
                            scope,
                            code,
                            f"{_split_words(by)} {part}",
                            raw_parts.get(part),
                            rolled_parts.get(part),
                        )
                    )


def _split_words(by: str) -> str:
    return {"month": "mois", "key": "clé", "site": "espace"}[by]
