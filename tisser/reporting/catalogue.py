"""The indicator catalogue: every figure Tisser reports, in the order the dashboards show it.

Each ``tisser/reporting/sources/<family>.py`` module lists its indicators (``INDICATORS``),
with their reference implementations; this module gathers them and checks the catalogue is
whole (unique codes, ratios and bases naming known indicators).
"""

from __future__ import annotations

from functools import cache

from tisser.reporting.enums import Group, Measure
from tisser.reporting.indicators import Indicator
from tisser.reporting.sources import SOURCE_MODULES


@cache
def catalogue() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for module in SOURCE_MODULES:
        for indicator in module.INDICATORS:
            if indicator.code in found:
                raise ValueError(f"Indicator {indicator.code} is declared twice")
            found[indicator.code] = indicator
    for indicator in found.values():
        for other in (indicator.numerator, indicator.denominator, indicator.base):
            if other is not None and other not in found:
                raise ValueError(f"{indicator.code} names an unknown indicator: {other}")
        if indicator.measure == Measure.RATIO and not (
            indicator.numerator and indicator.denominator
        ):
            raise ValueError(f"Ratio {indicator.code} needs a numerator and a denominator")
        if indicator.measure != Measure.RATIO and indicator.rows is None:
            raise ValueError(f"{indicator.code} has no reference implementation")
    return found


def indicator(code: str) -> Indicator:
    return catalogue()[code]


def by_group() -> dict[Group, list[Indicator]]:
    groups: dict[Group, list[Indicator]] = {group: [] for group in Group}
    for item in catalogue().values():
        groups[item.group].append(item)
    return {group: items for group, items in groups.items() if items}


def stored() -> list[Indicator]:
    """The indicators kept in the roll-ups (ratios are computed from two of them)."""
    return [item for item in catalogue().values() if item.measure != Measure.RATIO]


def of_dimension(dimension: str) -> list[Indicator]:
    return [item for item in stored() if item.dimension == dimension]
