"""Marks that the referral figures of a (site, day) changed (decision 0055).

A referral's figures count on the Paris day it was received (sent to the site) and on the
day of each event (accepted, came, appointment); the transitions call these helpers inside
their transaction.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tisser.core import clock, stale_figures


def local_day(moment: datetime.datetime | None) -> datetime.date | None:
    """The Paris day of a moment (None stays None)."""
    return timezone.localdate(moment) if moment is not None else None


def referral_site_days(referral, *, also_at=None) -> list[tuple[int, datetime.date | None]]:
    """(site, day) pairs of a referral: its receipt day, and the day of ``also_at`` (now)."""
    received = local_day(referral.submitted_at) or local_day(referral.created_at)
    return [
        (referral.site_id, received),
        (referral.site_id, local_day(also_at or clock.now())),
    ]


def mark_referral(referral, *, also_at=None) -> None:
    stale_figures.mark_stale_many(
        referral_site_days(referral, also_at=also_at), dimension=stale_figures.REFERRALS
    )


def mark_referrals(referrals, *, at) -> None:
    """Many referrals written at once (an import)."""
    site_days = []
    for referral in referrals:
        site_days.extend(referral_site_days(referral, also_at=at))
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.REFERRALS)


def mark_appointment(appointment) -> None:
    """An appointment booked, moved, kept or missed: its day, today, and its referral's."""
    site_days = [
        (appointment.site_id, local_day(appointment.starts_at)),
        (appointment.site_id, clock.localdate()),
    ]
    referral = appointment.referral if appointment.referral_id else None
    if referral is not None:
        site_days.extend(referral_site_days(referral))
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.REFERRALS)
