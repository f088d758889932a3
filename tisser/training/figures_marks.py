"""Marks that the training figures of a (site, day) changed (decision 0055).

A cohort's figures are read by the day it starts (its selection), by the day of each
session (hours) and by the day of each answer; a write marks the cohort's first and closing
days, today and the days it names, inside its transaction.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tisser.core import clock, stale_figures


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def mark_days(site_id: int | None, *days) -> None:
    """TRAINING stale on ``site_id`` for today and each day or moment of ``days``."""
    stale_figures.mark_stale_many(
        [(site_id, _day(day)) for day in (clock.localdate(), *days)],
        dimension=stale_figures.TRAINING,
    )


def mark_cohort(cohort, *days) -> None:
    """A cohort's enrolments, sessions or outcome changed: its first day, its closing day,
    today and ``days``."""
    mark_days(cohort.site_id, cohort.starts_on, cohort.closed_on, *days)
