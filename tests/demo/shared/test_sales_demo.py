"""The demo's counter history (issue 11): paid sales within each person's active right and
the quotas, receipts numbered without gaps, the journey's laptop and recharge, and figures
that add up to the rows — read from the shared ``ci`` demo."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from tisser.beneficiaries.models import Beneficiary
from tisser.funding.enums import CONNECTION_FAMILIES, EQUIPMENT_FAMILIES, OfferFamily
from tisser.sales.enums import ReturnOutcome, SaleStatus
from tisser.sales.models import (
    BoxSubscription,
    CashClosing,
    QuotaConsumption,
    Sale,
    SaleLine,
    SaleReturn,
)
from tisser.sales.reporting import FigureFilter, FigureScope, sales_figures

pytestmark = pytest.mark.django_db


def test_the_counter_sold_through_the_services(demo_ci):
    result = demo_ci.sales
    assert result.sales + result.fee_sales == Sale.objects.paid().count() >= 5
    assert result.cancelled >= 1 and result.expired >= 1
    assert Sale.objects.filter(status=SaleStatus.CANCELLED).count() == (
        result.cancelled + result.refused
    )
    assert not Sale.objects.filter(status__in=[SaleStatus.CART, SaleStatus.CONFIRMED]).exists()
    assert result.exchanges >= 1 and result.subscriptions == BoxSubscription.objects.count() >= 1
    exchange = SaleReturn.objects.get(outcome=ReturnOutcome.EXCHANGE)
    assert exchange.credit_payments.get().sale.status == SaleStatus.PAID
    # Every paid line took its quota; no quota was overridden.
    paid_lines = SaleLine.objects.filter(sale__status=SaleStatus.PAID, kind="item")
    assert QuotaConsumption.objects.filter(reference_kind="sale_line").count() == (
        paid_lines.count()
    )
    assert not QuotaConsumption.objects.filter(overridden=True).exists()


def test_every_day_that_moved_money_was_closed(demo_ci):
    days = {
        (site_id, timezone.localdate(paid_at))
        for site_id, paid_at in Sale.objects.paid().values_list("site_id", "paid_at")
    } | {
        (site_id, timezone.localdate(at))
        for site_id, at in SaleReturn.objects.filter(outcome=ReturnOutcome.REFUND).values_list(
            "site_id", "at"
        )
    }
    today = timezone.localdate()
    closed = set(CashClosing.objects.values_list("site_id", "day"))
    assert {key for key in days if key[1] < today} == closed
    assert demo_ci.sales.closings == len(closed)


def test_each_sale_was_paid_while_the_right_was_active(demo_ci):
    for sale in Sale.objects.paid().select_related("access_right"):
        right = sale.access_right
        assert right is not None
        day = timezone.localdate(sale.paid_at)
        assert right.starts_on <= day <= right.ends_on


def test_receipts_are_numbered_without_gaps_per_site_and_year(demo_ci):
    numbers = defaultdict(list)
    for site_id, year, sequence in Sale.objects.paid().values_list(
        "site_id", "receipt_year", "receipt_sequence"
    ):
        numbers[(site_id, year)].append(sequence)
    assert numbers
    for sequences in numbers.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))


def test_the_journey_person_bought_a_laptop_and_a_recharge(demo_ci):
    journey = Beneficiary.objects.get(file_number=demo_ci.rights.journey_file)
    sale = Sale.objects.paid().get(receipt_number=demo_ci.sales.journey_receipt)
    assert sale.beneficiary == journey
    families = set(sale.lines.values_list("offer__family", flat=True))
    assert families == {OfferFamily.LAPTOP, OfferFamily.RECHARGE}
    assert sale.lines.get(offer__family=OfferFamily.RECHARGE).unit_face_value == 5


def test_the_figures_add_up_to_the_demo_rows(demo_ci):
    sale = Sale.objects.paid().first()
    scope = FigureScope(network_id=sale.network_id)
    today = timezone.localdate()
    figures = sales_figures(
        scope=scope, flt=FigureFilter(start=today - datetime.timedelta(days=400), end=today)
    )
    kept = SaleLine.objects.filter(sale__status=SaleStatus.PAID).annotate(
        back=Sum("returns__quantity")
    )
    units = sum(line.quantity - (line.back or 0) for line in kept if line.kind == "item")
    assert figures.units == units > 0
    people = Sale.objects.paid().aggregate(
        equipped=Count(
            "beneficiary",
            distinct=True,
            filter=Q(lines__offer__family__in=EQUIPMENT_FAMILIES, lines__returns__isnull=True),
        ),
        connected=Count(
            "beneficiary",
            distinct=True,
            filter=Q(lines__offer__family__in=CONNECTION_FAMILIES, lines__returns__isnull=True),
        ),
    )
    assert figures.people_equipped == people["equipped"] >= 1
    assert figures.people_connected == people["connected"] >= 1
