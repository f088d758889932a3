"""Reads of the after-sale pages (box subscriptions, returns, cash closings), scoped by the
acting membership, with what each list draws joined in (a constant number of queries)."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet, Sum

from tisser.core import clock
from tisser.sales import boxes
from tisser.sales.enums import SaleLineKind, SaleStatus, SubscriptionStatus
from tisser.sales.models import BoxSubscription, CashClosing, Sale, SaleLine, SaleReturn

BOX_FILTERS = ("overdue", "to_return", "closed")


def box_list(*, membership, show: str = "", today: datetime.date | None = None):
    """The subscriptions the member's sites follow, newest first; ``show``: only those with
    an unpaid due date passed (``overdue``, closed ones included: the months are still
    owed), the boxes to get back (``to_return``), or the closed ones. Due dates are
    computed: the overdue filter reads the subscriptions and their fee lines once (two
    queries), then keeps their ids."""
    today = today or clock.localdate()
    subscriptions = BoxSubscription.objects.visible_to(membership)
    if show == "to_return":
        subscriptions = subscriptions.filter(boxes.to_return_filter(today))
    elif show == "closed":
        subscriptions = subscriptions.filter(status=SubscriptionStatus.CLOSED)
    elif show == "overdue":
        # A closed subscription whose months were never paid still owes them.
        candidates = list(subscriptions.only("pk", "starts_on", "ends_on", "ended_on", "status"))
        boxes.annotate_overdue(candidates, today=today)
        subscriptions = subscriptions.filter(
            pk__in=[s.pk for s in candidates if getattr(s, "overdue_count", 0)]
        )
    return subscriptions.select_related("beneficiary", "site", "device").order_by(
        "-starts_on", "-pk"
    )


def box_detail(*, membership, subscription: BoxSubscription) -> BoxSubscription:
    return (
        BoxSubscription.objects.visible_to(membership)
        .select_related(
            "beneficiary", "site", "device", "opening_line__sale", "opening_line__offer"
        )
        .get(pk=subscription.pk)
    )


def pending_fee_sales(*, subscription: BoxSubscription) -> list[Sale]:
    """Fee sales of this subscription waiting at the counter."""
    return list(
        Sale.objects.filter(
            status=SaleStatus.CONFIRMED,
            lines__subscription=subscription,
            lines__kind=SaleLineKind.SUBSCRIPTION_FEE,
        )
        .distinct()
        .order_by("pk")
    )


def return_list(*, membership) -> QuerySet[SaleReturn]:
    return (
        SaleReturn.objects.visible_to(membership)
        .select_related("line__sale__beneficiary", "line__offer", "line__device", "site")
        .order_by("-at", "-pk")
    )


def returnable_lines(*, sale: Sale) -> list[SaleLine]:
    """The sale's item lines with how many units already came back (one query)."""
    lines = list(
        SaleLine.objects.filter(sale=sale, kind=SaleLineKind.ITEM)
        .select_related("offer", "device")
        .annotate(returned=Sum("returns__quantity"))
        .order_by("pk")
    )
    for line in lines:
        line.returned = line.returned or 0
        line.left = line.quantity - line.returned
    return lines


def sale_for_return(*, membership, sale: Sale) -> Sale:
    return (
        Sale.objects.visible_to(membership)
        .select_related("beneficiary", "site")
        .prefetch_related(Prefetch("payments"))
        .get(pk=sale.pk)
    )


def closing_list(*, membership) -> QuerySet[CashClosing]:
    return (
        CashClosing.objects.visible_to(membership)
        .select_related("site", "closed_by")
        .order_by("-day", "-pk")
    )
