"""Hand-built sales for the tests of the figures and the timeline: rows exactly as the
counter writes them (a paid sale with its receipt, lines, reservations sold, devices
distributed, codes sold; returns), built without the counter's services so that a data
set's answer is known line by line."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from tests.offers.factories import DeviceFactory, OfferFactory, VoucherFactory
from tisser.offers.enums import DeviceStatus, ReservationStatus, VoucherStatus
from tisser.offers.models import Device, Offer, Reservation, Voucher
from tisser.sales.enums import ReturnOutcome, SaleStatus
from tisser.sales.models import Payment, Sale, SaleLine, SaleReturn

_receipts = itertools.count(1)


def paris(year, month, day, hour=11):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def device(offer: Offer, site, *, lot=None) -> Device:
    return DeviceFactory(offer=offer, site=site, lot=lot, status=DeviceStatus.READY_TO_DISTRIBUTE)


def codes(offer: Offer, site, count: int, *, lot=None) -> list[Voucher]:
    return [VoucherFactory(offer=offer, site=site, lot=lot) for _ in range(count)]


def sale(person, site, at, *items, status=SaleStatus.PAID) -> Sale:
    """A sale at ``site`` for ``person`` paid at ``at`` (or left ``status``). Each item is a
    device, a list of codes of one offer, or an (offer, quantity) pair of a quantity
    offer."""
    paid = status == SaleStatus.PAID
    number = next(_receipts)
    row = Sale.objects.create(
        network=site.network,
        site=site,
        beneficiary=person,
        status=status,
        confirmed_at=at,
        paid_at=at if paid else None,
        ended_at=None if paid else at,
        receipt_year=at.year if paid else None,
        receipt_sequence=number if paid else None,
        receipt_number=f"{site.short_code}-{at.year}-{number:05d}" if paid else "",
    )
    total, market = Decimal("0"), Decimal("0")
    for item in items:
        if isinstance(item, Device):
            line = _device_line(row, item, at, paid)
        elif isinstance(item, list):
            line = _codes_line(row, item, at, paid)
        else:
            offer, quantity = item
            line = SaleLine.objects.create(
                sale=row,
                offer=offer,
                quantity=quantity,
                label=offer.name,
                unit_price=offer.solidarity_price,
                unit_market_price=offer.market_price,
            )
        total += line.total
        market += line.market_total
    Sale.objects.filter(pk=row.pk).update(total_price=total, total_market=market)
    row.refresh_from_db()
    if paid and total:
        Payment.objects.create(sale=row, method="cash", amount=total, at=at)
    return row


def _device_line(sale_row, unit: Device, at, paid) -> SaleLine:
    offer = unit.offer
    reservation = Reservation.objects.create(
        site=sale_row.site,
        offer=offer,
        device=None,
        quantity=1,
        reserved_until=at,
        status=ReservationStatus.SOLD if paid else ReservationStatus.RELEASED,
    )
    if paid:
        Device.objects.filter(pk=unit.pk).update(status=DeviceStatus.DISTRIBUTED)
    return SaleLine.objects.create(
        sale=sale_row,
        offer=offer,
        device=unit,
        reservation=reservation,
        label=offer.name,
        unit_price=offer.solidarity_price,
        unit_market_price=offer.market_price,
        warranty_until=(at + datetime.timedelta(days=365)).date(),
    )


def _codes_line(sale_row, vouchers: list[Voucher], at, paid) -> SaleLine:
    offer = vouchers[0].offer
    reservation = Reservation.objects.create(
        site=sale_row.site,
        offer=offer,
        quantity=len(vouchers),
        reserved_until=at,
        status=ReservationStatus.SOLD if paid else ReservationStatus.RELEASED,
    )
    if paid:
        Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(
            status=VoucherStatus.SOLD, reservation=reservation, sold_at=at
        )
    return SaleLine.objects.create(
        sale=sale_row,
        offer=offer,
        quantity=len(vouchers),
        reservation=reservation,
        label=offer.name,
        unit_price=offer.solidarity_price,
        unit_market_price=offer.market_price,
        unit_face_value=offer.face_value,
    )


def give_back(line: SaleLine, at, *, quantity=1, outcome=ReturnOutcome.REFUND) -> SaleReturn:
    """A return of ``quantity`` units of ``line``, refunded by default."""
    refund = line.unit_price * quantity if outcome == ReturnOutcome.REFUND else Decimal("0")
    return SaleReturn.objects.create(
        site=line.sale.site,
        line=line,
        quantity=quantity,
        outcome=outcome,
        reason="Ne fonctionne pas",
        refund_amount=refund,
        refund_method="cash" if refund else "",
        credit_amount=Decimal("0") if refund else line.unit_price * quantity,
        at=at,
    )


def price_list(network) -> tuple[Offer, Offer, Offer]:
    """The offers of the hand-built figures' data sets: a laptop 150 € (market 350 €), a
    5 € recharge code sold 2 €, a SIM card sold by quantity 1 € (market 10 €)."""
    laptop = OfferFactory(network=network, name="Portable")
    recharge = OfferFactory(
        network=network,
        recharge=True,
        name="Recharge 5 €",
        solidarity_price=Decimal("2.00"),
        market_price=Decimal("5.00"),
        face_value=Decimal("5.00"),
    )
    sim = OfferFactory(network=network, sim_card=True)
    return laptop, recharge, sim
