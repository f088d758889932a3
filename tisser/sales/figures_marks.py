"""Marks that the sales figures of a (site, day) changed (decision 0055).

A paid sale counts on its site on the Paris day it was paid; what comes back is taken out of
the sale it came from (decision 0051), so a return marks the original sale's paid day too.
"""

from __future__ import annotations

from django.utils import timezone

from tisser.core import clock, stale_figures


def mark_sale(sale, *days) -> None:
    """SALES stale on the sale's site: its paid day (when paid), today and ``days``."""
    site_days = [(sale.site_id, clock.localdate())]
    if sale.paid_at is not None:
        site_days.append((sale.site_id, timezone.localdate(sale.paid_at)))
    site_days.extend((sale.site_id, day) for day in days)
    stale_figures.mark_stale_many(site_days, dimension=stale_figures.SALES)


def mark_subscription(subscription, *days) -> None:
    """A box subscription ended or its box came back: its sale's day, its first day, today
    and ``days``."""
    mark_sale(subscription.opening_line.sale, subscription.starts_on, *days)
