"""Figures read from the roll-ups (``Tally``, ``PeopleSet``): what the dashboards use.

CONTRACT (helper ENGINE replaces the bodies): ``values`` and ``split`` answer exactly as
``figures._raw_value`` and ``figures._raw_split`` do, from the roll-ups, in a constant
number of queries. Until the roll-ups exist they read the raw records.
"""

from __future__ import annotations

from tisser.reporting import catalogue


def values(selection, codes: list[str]) -> dict:
    from tisser.reporting.figures import _raw_value

    return {code: _raw_value(catalogue.indicator(code), selection) for code in codes}


def split(selection, codes: list[str], *, by: str) -> dict[str, dict]:
    from tisser.reporting.figures import _raw_split

    return {code: _raw_split(catalogue.indicator(code), selection, by) for code in codes}
