"""Reads of the counter pages, scoped by the acting membership, in a constant number of
queries: what a site has in stock to sell, a sale with its lines and payments, the site's
sales of a day, the credits a person may spend."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core.dates import start_of_day
from tisser.offers.enums import DeviceStatus, Tracking
from tisser.offers.models import Device, Offer, StockLevel
from tisser.sales.enums import PaymentMethod, ReturnOutcome, SaleStatus
from tisser.sales.models import Payment, Sale, SaleLine, SaleReturn


@dataclass
class StockRow:
    """One offer a site can sell now: how many, and for devices how many of each grade."""

    offer: Offer
    available: int
    grades: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_device(self) -> bool:
        return self.offer.tracking == Tracking.DEVICE


def counter_stock(*, site: Site, day: datetime.date) -> list[StockRow]:
    """The active offers of the site's network with stock ready to sell at the site."""
    offers = list(
        Offer.objects.active_on(day)
        .filter(network_id=site.network_id)
        .order_by("family", "solidarity_price", "name")
    )
    if not offers:
        return []
    ids = [offer.pk for offer in offers]
    grades: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in (
        Device.objects.filter(
            site=site,
            offer_id__in=ids,
            status=DeviceStatus.READY_TO_DISTRIBUTE,
            transfer__isnull=True,
        )
        .values("offer_id", "grade")
        .annotate(count=Count("pk"))
        .order_by("offer_id", "grade")
    ):
        grades[row["offer_id"]].append((row["grade"], row["count"]))
    levels = {
        level.offer_id: level.available
        for level in StockLevel.objects.filter(site=site, offer_id__in=ids)
    }
    rows = []
    for offer in offers:
        if offer.tracking == Tracking.DEVICE:
            available = sum(count for _grade, count in grades[offer.pk])
        else:
            # Codes and quantity offers: the ledger's running totals (decision 0038: on hand
            # minus held = the codes in stock on the premises). Counting the codes instead
            # read tens of thousands of rows per page at 1,000,000 codes (benchmark 0049).
            available = levels.get(offer.pk, 0)
        if available > 0:
            rows.append(StockRow(offer, available, grades.get(offer.pk, [])))
    return rows


def ready_device(*, site: Site, offer: Offer, inventory_id: str) -> Device | None:
    return (
        Device.objects.filter(site=site, offer=offer, inventory_id__iexact=inventory_id)
        .select_related("offer")
        .first()
    )


def open_sale(*, membership: Membership, beneficiary: Beneficiary) -> Sale | None:
    """The person's cart or sale to pay at their site, with its lines."""
    return (
        Sale.objects.visible_to(membership)
        .open()
        .filter(beneficiary=beneficiary, site_id=beneficiary.site_id)
        .prefetch_related(
            Prefetch("lines", queryset=SaleLine.objects.select_related("offer", "device"))
        )
        .first()
    )


def sale_detail(*, membership: Membership, pk: int) -> Sale:
    """A sale with what its page and receipt show (raises ``Sale.DoesNotExist`` out of scope)."""
    return (
        Sale.objects.visible_to(membership)
        .select_related("site", "beneficiary", "access_right", "created_by", "paid_by")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=SaleLine.objects.select_related("offer", "device", "reservation"),
            ),
            Prefetch("payments", queryset=Payment.objects.select_related("payer")),
        )
        .get(pk=pk)
    )


def site_sales(*, membership: Membership, day: datetime.date | None = None, status: str = ""):
    """The sales of the member's site(s), newest first, for a paginated list."""
    sales = Sale.objects.visible_to(membership).select_related("site", "beneficiary")
    if day is not None:
        start = start_of_day(day)
        sales = sales.filter(
            created_at__gte=start, created_at__lt=start + datetime.timedelta(days=1)
        )
    if status:
        sales = sales.filter(status=status)
    return sales.order_by("-created_at", "-pk")


def day_totals(*, membership: Membership, day: datetime.date) -> dict:
    """What the member's sites cashed in on ``day``: count and amount of paid sales."""
    start = start_of_day(day)
    return (
        Sale.objects.visible_to(membership)
        .filter(
            status=SaleStatus.PAID,
            paid_at__gte=start,
            paid_at__lt=start + datetime.timedelta(days=1),
        )
        .aggregate(count=Count("pk"), total=Sum("total_price"))
    )


def payers(*, network_id: int):
    """The active partners of the network that may pay for a person (a CCAS…)."""
    return Partner.objects.filter(
        network_id=network_id, kind=OrganisationKind.PARTNER, is_active=True
    ).order_by("name")


def credits_left(
    *, membership: Membership, beneficiary: Beneficiary, network_id: int
) -> list[SaleReturn]:
    """The person's exchanges, given in the member's scope, whose credit is not all spent
    (``left`` set): what ``returns.credit_use_check`` will accept at payment."""
    rows = list(
        SaleReturn.objects.visible_to(membership)
        .filter(
            line__sale__beneficiary=beneficiary,
            line__sale__network_id=network_id,
            outcome=ReturnOutcome.EXCHANGE,
            credit_amount__gt=0,
        )
        .annotate(
            used=Sum(
                "credit_payments__amount",
                filter=Q(credit_payments__method=PaymentMethod.CREDIT),
            )
        )
        .order_by("pk")
    )
    for row in rows:
        row.left = row.credit_amount - (row.used or Decimal("0"))
    return [row for row in rows if row.left > 0]
