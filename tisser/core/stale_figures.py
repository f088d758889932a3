"""Marks that say « the figures of this site, day and dimension changed » (decision 0055).

Every service that writes a record an indicator is drawn from calls :func:`mark_stale`
inside its own transaction, for each (site, day) it touched: the mark commits or rolls
back with the write. The reporting job recomputes the marked roll-ups and deletes the
marks (``tisser/reporting/rollups.py``). A mark is idempotent: marking twice is one mark.

The dimensions are the families of source records; the reporting catalogue says which
indicators each one feeds.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from tisser.core.models import StaleFigure

ACTIVITIES = "activities"  # activities and their participants (workshops, roll calls)
REFERRALS = "referrals"  # referrals received, accepted, people who came, appointments
SALES = "sales"  # paid sales, cancellations, returns, subscription months
STOCK = "stock"  # devices received, refurbished, written off; donation lots
DIAGNOSTICS = "diagnostics"  # finished diagnostics (entry, exit)
LEARNING = "learning"  # modules started and completed
TRAINING = "training"  # enrolments, attendance, certificates, surveys, outcomes
PEOPLE = "people"  # new files, merges, anonymisation

DIMENSIONS = (ACTIVITIES, REFERRALS, SALES, STOCK, DIAGNOSTICS, LEARNING, TRAINING, PEOPLE)


def mark_stale(*, site_id: int, day: datetime.date, dimension: str) -> None:
    """Mark one (site, day, dimension) for recomputation (inside the caller's transaction)."""
    mark_stale_many([(site_id, day)], dimension=dimension)


def mark_stale_many(
    site_days: Iterable[tuple[int | None, datetime.date | None]], *, dimension: str
) -> None:
    """Mark several (site, day) pairs of one dimension; duplicates are ignored, and so is a
    pair without a site or a day (a record not yet dated: nothing to count)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"Unknown figures dimension: {dimension}")
    known = {
        (site_id, day) for site_id, day in site_days if site_id is not None and day is not None
    }
    rows = [
        StaleFigure(site_id=site_id, day=day, dimension=dimension) for site_id, day in sorted(known)
    ]
    if rows:
        StaleFigure.objects.bulk_create(rows, ignore_conflicts=True)
