"""The demo network's solidarity catalogue and donated stock, written through the services.

Paris Belleville hosts the network's refurbishment hub (it is in both demo profiles). Every
space receives devices and codes from the donors' lots; the hub processes what it received
(to process, in progress, not reusable, ready to order); the spaces hand devices over
(reserved, sold, returned to process or to after-sales) and sell codes; Strasbourg ordered
laptops from the hub — one delivery received, one on its way. Every unit goes through
``offers.receipts``, ``offers.reservations``, ``offers.lifecycle`` and ``offers.hub``, so the
ledger equals the stock on hand after the seed (tests/demo). Sales here are stock-level
only: the counter's sale records come with issue 11.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.core.clock import ManualClock, now
from tisser.core.clock import localdate as clock_localdate
from tisser.funding.enums import OfferFamily
from tisser.funding.models import DonationLot
from tisser.offers import hub as hub_services
from tisser.offers import lifecycle, receipts, reservations
from tisser.offers.adjustments import threshold_set
from tisser.offers.enums import TRACKING_BY_FAMILY, DeviceStatus, Grade, Tracking
from tisser.offers.models import Device, Offer
from tisser.offers.receipts import DeviceIn, VoucherIn
from tisser.offers.validators import luhn_check_digit

DEMO_RANDOM_SEED = 10
HUB_CODE = "PARBEL"
ORDERING_CODE = "STRGAR"

# (family, name, solidarity price, market price, extra fields)
CATALOGUE: tuple[tuple[str, str, str, str, dict], ...] = (
    (OfferFamily.LAPTOP, "Ordinateur portable reconditionné", "150.00", "350.00",
     {"allowed_grades": [Grade.PREMIUM, Grade.A, Grade.B, Grade.C],
      "description": "Un ordinateur portable remis à neuf, avec Linux ou Windows, garanti un an."}),
    (OfferFamily.DESKTOP, "Ordinateur fixe reconditionné", "80.00", "250.00",
     {"allowed_grades": [Grade.A, Grade.B, Grade.C],
      "description": "Une unité centrale avec écran, clavier et souris."}),
    (OfferFamily.SMARTPHONE, "Smartphone reconditionné", "60.00", "180.00",
     {"allowed_grades": [Grade.PREMIUM, Grade.A, Grade.B],
      "description": "Un téléphone Android remis à neuf, garanti un an."}),
    (OfferFamily.TABLET, "Tablette reconditionnée", "50.00", "150.00",
     {"allowed_grades": [Grade.A, Grade.B, Grade.C],
      "description": "Une tablette pour les démarches et les appels vidéo."}),
    (OfferFamily.BOX, "Box internet en prêt", "0.00", "40.00",
     {"is_loan": True, "monthly_price": Decimal("5.00"),
      "description": "Internet à la maison pour 5 € par mois ; la box est rendue à la fin."}),
    (OfferFamily.KEY_4G, "Clé 4G en prêt", "0.00", "30.00",
     {"is_loan": True, "monthly_price": Decimal("3.00"),
      "description": "Internet sur l'ordinateur partout ; la clé est rendue à la fin."}),
    (OfferFamily.RECHARGE, "Recharge mobile 5 €", "2.50", "5.00",
     {"face_value": Decimal("5.00"), "description": "Du crédit d'appel et d'internet."}),
    (OfferFamily.RECHARGE, "Recharge mobile 10 €", "5.00", "10.00",
     {"face_value": Decimal("10.00"), "description": "Du crédit d'appel et d'internet."}),
    (OfferFamily.RECHARGE, "Recharge mobile 20 €", "10.00", "20.00",
     {"face_value": Decimal("20.00"), "description": "Du crédit d'appel et d'internet."}),
    (OfferFamily.SIM, "Carte SIM prépayée", "2.00", "10.00",
     {"data_gb": 20, "description": "Un numéro de téléphone, avec 20 Go d'internet."}),
)  # fmt: skip
# How a space's devices are spread over the families (per 100).
DEVICE_MIX = {
    OfferFamily.LAPTOP: 40,
    OfferFamily.SMARTPHONE: 35,
    OfferFamily.TABLET: 10,
    OfferFamily.DESKTOP: 7,
    OfferFamily.BOX: 5,
    OfferFamily.KEY_4G: 3,
}
MODELS = {
    OfferFamily.LAPTOP: (("Lenovo", "ThinkPad T480", "Intel Core i5-8350U"),
                         ("Dell", "Latitude 7490", "Intel Core i5-8250U"),
                         ("HP", "EliteBook 840 G5", "Intel Core i5-8350U")),
    OfferFamily.DESKTOP: (("Dell", "OptiPlex 7060", "Intel Core i5-8500"),),
    OfferFamily.SMARTPHONE: (("Samsung", "Galaxy A52", ""), ("Xiaomi", "Redmi Note 10", "")),
    OfferFamily.TABLET: (("Samsung", "Galaxy Tab A8", ""),),
    OfferFamily.BOX: (("SFR", "Box 8", ""),),
    OfferFamily.KEY_4G: (("Huawei", "E3372", ""),),
}  # fmt: skip
# What a space does with the devices it received ready (per 100): the rest stays on the
# shelf, ready to distribute.
SITE_OUTCOMES = {"sold": 50, "reserved": 4, "returned": 4, "after_sales": 3}
# What the hub does with what it received (per 100): the rest becomes ready to order.
HUB_OUTCOMES = {"to_process": 15, "processing": 10, "not_reusable": 8}


@dataclass
class DemoStockResult:
    offers: int
    devices: int
    vouchers: int
    devices_by_status: dict[str, int]
    seconds: float


def _membership(organisation, role) -> Membership:
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation=organisation, role=role, is_active=True)
        .order_by("pk")
        .first()
    )


def _catalogue(network: Organisation, sites: list[Site]) -> list[Offer]:
    offers = []
    for family, name, price, market, extra in CATALOGUE:
        offer = Offer(
            network=network,
            family=family,
            tracking=TRACKING_BY_FAMILY[family],
            name=name,
            solidarity_price=Decimal(price),
            market_price=Decimal(market),
            **extra,
        )
        offer.full_clean(exclude=["network"])
        offer.save()
        offer.sites.set(sites)
        offers.append(offer)
    return offers


def _lot(site: Site, family: str):
    """A lot of the donors' demo received at this site for this family, when there is one."""
    return (
        DonationLot.objects.filter(site=site, family=family, tax_receipt__isnull=True)
        .order_by("pk")
        .first()
    )


def _device_rows(family: str, count: int, rng: random.Random, serial_base: int) -> list[DeviceIn]:
    rows = []
    for index in range(count):
        brand, model, processor = rng.choice(MODELS[family])
        computer = family in (OfferFamily.LAPTOP, OfferFamily.DESKTOP)
        imei = ""
        if family == OfferFamily.SMARTPHONE:
            body = f"35{serial_base + index:012d}"
            imei = body + luhn_check_digit(body)
        rows.append(
            DeviceIn(
                row=index + 1,
                serial_number=f"DEMO{serial_base + index:08d}",
                imei=imei,
                brand=brand,
                model_name=model,
                processor=processor,
                grade=rng.choice([Grade.A, Grade.B, Grade.B]),
                memory_gb=rng.choice([8, 8, 16]) if computer else rng.choice([4, 6]),
                storage_gb=rng.choice([256, 512]) if computer else rng.choice([64, 128]),
                storage_kind=rng.choice(["SSD", "NVME"]) if computer else "FLASH",
                operating_system=(rng.choice(["Linux", "Windows"]) if computer else "Android"),
            )
        )
    return rows


def _split(devices: list[Device], outcomes: dict[str, int], rng: random.Random) -> dict:
    shuffled = devices[:]
    rng.shuffle(shuffled)
    parts, start = {}, 0
    for outcome, share in outcomes.items():
        # At least one of each outcome, so a small demo still shows every status.
        size = max(len(shuffled) * share // 100, 1)
        parts[outcome] = shuffled[start : start + size]
        start += size
    return parts


def _hand_over(admin, devices: list[Device], *, until) -> int:
    """Reserve then sell each device (the counter of issue 11 will record the sale)."""
    for device in devices:
        reservation = reservations.device_reserve(actor=admin, device=device, until=until)
        reservations.stock_sell(actor=admin, reservation=reservation)
    return len(devices)


def _site_devices(admin, site, offers, rng, *, count, serial_base, clock, today) -> None:
    """Receive ready devices, then hand most over; some come back."""
    received_on = today - datetime.timedelta(days=90)
    clock.move_to(_at(received_on, 10))
    received: list[Device] = []
    for family, share in DEVICE_MIX.items():
        size = max(count * share // 100, 1)
        receipt = receipts.devices_receive(
            actor=admin,
            site=site,
            offer=offers[family],
            items=_device_rows(family, size, rng, serial_base + len(received)),
            status=DeviceStatus.READY_TO_DISTRIBUTE,
            lot=_lot(site, family),
            received_on=received_on,
        )
        received.extend(receipt.devices)
    parts = _split(received, SITE_OUTCOMES, rng)
    clock.move_to(_at(today - datetime.timedelta(days=30), 14))
    _hand_over(admin, parts["sold"] + parts["returned"] + parts["after_sales"], until=None)
    clock.move_to(_at(today - datetime.timedelta(days=10), 11))
    for device in parts["returned"]:
        reservations.stock_return(
            actor=admin, site=site, device=device, reason="Rendu dans les 15 jours"
        )
    for device in parts["after_sales"]:
        reservations.stock_return(
            actor=admin, site=site, device=device, reason="Écran défectueux", after_sales=True
        )
    clock.release()
    horizon = now() + datetime.timedelta(days=2)
    for device in parts["reserved"]:
        reservations.device_reserve(actor=admin, device=device, until=horizon)


def _hub_devices(admin, hub, offers, rng, *, count, serial_base, clock, today) -> None:
    """The hub receives donated devices to process; it wipes, grades or writes them off."""
    received_on = today - datetime.timedelta(days=60)
    clock.move_to(_at(received_on, 9))
    received: list[Device] = []
    for family, share in DEVICE_MIX.items():
        size = max(count * share // 100, 2)
        receipt = receipts.devices_receive(
            actor=admin,
            site=hub,
            offer=offers[family],
            items=_device_rows(family, size, rng, serial_base + len(received)),
            lot=_lot(hub, family),
            received_on=received_on,
        )
        received.extend(receipt.devices)
    parts = _split(received, HUB_OUTCOMES, rng)
    left_as_received = {device.pk for device in parts["to_process"]}
    in_progress = {device.pk for device in parts["processing"]}
    not_reusable = {device.pk for device in parts["not_reusable"]}
    clock.move_to(_at(today - datetime.timedelta(days=45), 15))
    for device in received:
        if device.pk in left_as_received:
            continue
        lifecycle.device_status_change(
            actor=admin, device=device, to_status=DeviceStatus.PROCESSING
        )
        if device.pk in in_progress:
            continue
        if device.pk in not_reusable:
            lifecycle.device_status_change(
                actor=admin,
                device=device,
                to_status=DeviceStatus.NOT_REUSABLE,
                reason="Carte mère hors service",
            )
            continue
        lifecycle.device_status_change(
            actor=admin,
            device=device,
            to_status=DeviceStatus.READY_TO_ORDER,
            grade=device.grade or Grade.B,
        )
    clock.release()


def _vouchers(admin, site, offers, rng, *, per_site, clock, today, code_base) -> int:
    """Codes received two months ago; about half sold since, oldest expiry first."""
    received_on = today - datetime.timedelta(days=60)
    written = 0
    voucher_offers = [offer for offer in offers.values() if offer.tracking == Tracking.VOUCHER]
    for offer in voucher_offers:
        size = max(per_site // len(voucher_offers), 4)
        clock.move_to(_at(received_on, 9))
        items = [
            VoucherIn(
                row=index + 1,
                code=f"{rng.randrange(10**13, 10**14)}{code_base + written + index:06d}",
                serial=f"{site.short_code}-{offer.pk}-{code_base + written + index:06d}",
                expires_on=today + datetime.timedelta(days=rng.randrange(120, 720)),
            )
            for index in range(size)
        ]
        receipts.vouchers_receive(
            actor=admin,
            site=site,
            offer=offer,
            items=items,
            lot=_lot(site, offer.family),
            received_on=received_on,
        )
        written += size
        clock.move_to(_at(today - datetime.timedelta(days=20), 16))
        sold = size // 2
        while sold > 0:
            batch = min(sold, 50)
            reservation = reservations.units_reserve(
                actor=admin, site=site, offer=offer, quantity=batch
            )
            reservations.stock_sell(actor=admin, reservation=reservation)
            sold -= batch
    clock.release()
    return written


def _hub_orders(network, hub, offers, *, clock, today) -> None:
    """Strasbourg ordered laptops from the hub: one delivery received, one on its way."""
    site = Site.objects.filter(network=network, short_code=ORDERING_CODE).first()
    manager = _membership(site, Role.SITE_MANAGER) if site else None
    hub_team = _membership(network, Role.NETWORK_ADMIN)
    if manager is None or site.pk == hub.pk:
        return
    laptop = offers[OfferFamily.LAPTOP]
    ready = {offer.pk: count for offer, count in hub_services.hub_available(hub=hub)}
    orders = ((20, True), (2, False))[: ready.get(laptop.pk, 0) // 2]
    for days_ago, receive in orders:
        clock.move_to(_at(today - datetime.timedelta(days=days_ago), 10))
        order = hub_services.hub_order_submit(
            actor=manager, lines={laptop: 2}, note="Pour les personnes du programme emploi"
        )
        hub_services.hub_order_prepare(actor=hub_team, order=order)
        order = hub_services.hub_order_ship(actor=hub_team, order=order)
        if receive:
            clock.move_to(_at(today - datetime.timedelta(days=days_ago - 2), 11))
            hub_services.hub_order_receive(actor=manager, order=order)
    clock.release()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_demo_stock(
    *, network: Organisation, clock: ManualClock, devices_per_site: int, vouchers_per_site: int
) -> DemoStockResult:
    started = time.monotonic()
    rng = random.Random(DEMO_RANDOM_SEED)  # noqa: S311 (demo data, not secrets)
    admin = _membership(network, Role.NETWORK_ADMIN)
    sites = list(Site.objects.filter(network=network).order_by("short_code"))
    hub = next((site for site in sites if site.short_code == HUB_CODE), sites[0])
    clock.release()
    today = clock_localdate()
    hub_services.hub_set(actor=admin, hub=hub)
    catalogue = _catalogue(network, sites)
    offers = {offer.family: offer for offer in reversed(catalogue)}  # first of each family
    serial_base = 0
    for site in sites:
        if site.pk == hub.pk:
            _hub_devices(
                admin, hub, offers, rng, count=devices_per_site * 2, serial_base=serial_base,
                clock=clock, today=today,
            )  # fmt: skip
        else:
            _site_devices(
                admin, site, offers, rng, count=devices_per_site, serial_base=serial_base,
                clock=clock, today=today,
            )  # fmt: skip
        serial_base += devices_per_site * 3
    vouchers = 0
    voucher_offers = {offer.pk: offer for offer in catalogue if offer.tracking == Tracking.VOUCHER}
    for site in sites:
        vouchers += _vouchers(
            admin, site, voucher_offers, rng, per_site=vouchers_per_site, clock=clock,
            today=today, code_base=vouchers,
        )  # fmt: skip
    _hub_orders(network, hub, offers, clock=clock, today=today)
    for site in sites:
        for offer in catalogue:
            threshold_set(actor=admin, site=site, offer=offer, threshold=3)
    statuses = dict(
        Device.objects.filter(site__network=network)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return DemoStockResult(
        offers=len(catalogue),
        devices=sum(statuses.values()),
        vouchers=vouchers,
        devices_by_status=statuses,
        seconds=round(time.monotonic() - started, 1),
    )
