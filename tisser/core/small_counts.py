"""The « moins de 10 » rule: no figure a funder sees may be drawn from fewer than 10 people.

Primary suppression: a figure whose base (the number of people it is drawn from) is 1 to 9
is shown as « moins de 10 ». A count of 0 people is shown as 0 (it tells nothing about
anyone); a rate drawn from nobody is shown as « — » (nothing to say).

Secondary suppression, for additive tables (a total and the parts that add up to it, e.g.
the people enrolled per cohort with their site's subtotal, per site with the grand total,
or the drop-outs per reason with their total): each sum is an equation ``total = Σ parts``.
A hidden value can be recomputed from an equation when it is the *only* hidden member of
it. So, until no equation has exactly one hidden member, the smallest visible part of such
an equation is hidden too (the next smallest, ties broken by position), or the total when
every part is already hidden. The grand total is hidden only in that last case. Hiding
spreads from one equation to the next (a site subtotal hidden in the sites' equation gets
one of its cohorts hidden); the loop ends because each pass hides at least one more value.

This guards each sum of the same page or export against recomputation; it is the classic
cell-suppression check, not a full linear audit across unrelated tables (the rates shown
next to the counts publish neither numerator nor denominator). Issue 16 generalises the
rule to every funder report: nothing here knows a domain.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

THRESHOLD = 10
FEWER_THAN = _("moins de 10")
NO_DATA = "—"


def is_small(base: int | None) -> bool:
    """True when a figure drawn from ``base`` people must not be shown (1 to 9 people)."""
    return base is not None and 0 < base < THRESHOLD


@dataclass(frozen=True)
class Equation:
    """``total`` is the sum of ``parts`` (keys of cells in one table)."""

    total: Hashable
    parts: Sequence[Hashable]


def suppress(
    values: Mapping[Any, Any],
    equations: Iterable[Equation],
    *,
    bases: Mapping[Any, int | None] | None = None,
) -> frozenset[Hashable]:
    """The keys of the cells to hide: every cell drawn from 1 to 9 people, then the
    complementary cells so that no equation has exactly one hidden member (see the
    module's docstring).

    ``values`` maps each cell's key to its value (the complement is the smallest);
    ``bases`` to the number of people it is drawn from, when that is not the value itself
    (hours attended are drawn from the people who attended).
    """
    equations = list(equations)
    found: Mapping[Any, int | None] = values if bases is None else bases
    hidden = {key for key in values if is_small(found.get(key))}
    changed = True
    while changed:
        changed = False
        for equation in equations:
            members = [equation.total, *equation.parts]
            if sum(1 for key in members if key in hidden) != 1:
                continue
            visible = [
                (values[key], index, key)
                for index, key in enumerate(equation.parts)
                if key not in hidden
            ]
            if visible:
                hidden.add(min(visible)[2])
            else:
                hidden.add(equation.total)
            changed = True
    return frozenset(hidden)


def shown(value, *, base: int | None, hidden: bool = False):
    """``value`` as a funder may see it: « moins de 10 » when drawn from 1 to 9 people or
    hidden by secondary suppression, « — » when there is no value."""
    if hidden or is_small(base):
        return FEWER_THAN
    if value is None:
        return NO_DATA
    return value
