"""The demo's access rights and quota rules, written after the referrals' and files' demo.

The ``referral.consumed`` subscriber already opened a right for everyone who came with a
referral while the referrals' demo ran (on the day they came, on the demo clock). This
builder writes the network's settings and the three quota rules of issue 11, then opens in
bulk (one journal entry) the rights any consumed-referral file still lacks, and makes sure
the demo person followed through the journey — the first file of Strasbourg opened by a
referral — has an active right, and a household with the next such file.
Deterministic: the order of the rows decides.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Partner, Site
from tisser.beneficiaries.models import Beneficiary, HouseholdMember
from tisser.beneficiaries.services import household_link
from tisser.core import clock as core_clock
from tisser.core.clock import ManualClock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.funding.enums import OfferFamily
from tisser.funding.models import DonationLot
from tisser.offers import receipts
from tisser.offers.enums import LENT_FAMILIES, DeviceStatus, Grade, Tracking
from tisser.offers.models import Offer, StockSettings
from tisser.offers.receipts import DeviceIn, VoucherIn
from tisser.offers.validators import luhn_check_digit
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.sales import boxes, cash, counter, returns
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import (
    TILL_METHODS,
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    ReturnedDeviceFate,
    ReturnOutcome,
    RightOpening,
    SubscriptionStatus,
)
from tisser.sales.models import (
    AccessRight,
    AccessRightSettings,
    BoxSubscription,
    QuotaRule,
    Sale,
)
from tisser.sales.services import access_right_open, add_months, period_end, settings_for

JOURNEY_SITE = "STRGAR"

DEMO_RULES = (
    {
        "name": "Recharges : 30 € de valeur faciale par mois",
        "scope": QuotaScope.FAMILIES,
        "families": [OfferFamily.RECHARGE.value],
        "per": QuotaPer.PERSON,
        "window": QuotaWindow.CALENDAR_MONTH,
        "measure": QuotaMeasure.AMOUNT,
        "max_amount": Decimal("30.00"),
    },
    {
        "name": "Un ordinateur portable par foyer tous les 3 ans",
        "scope": QuotaScope.FAMILY,
        "families": [OfferFamily.LAPTOP.value],
        "per": QuotaPer.HOUSEHOLD,
        "window": QuotaWindow.YEARS,
        "window_length": 3,
        "measure": QuotaMeasure.QUANTITY,
        "max_quantity": 1,
    },
    {
        "name": "Un smartphone par personne tous les 2 ans",
        "scope": QuotaScope.FAMILY,
        "families": [OfferFamily.SMARTPHONE.value],
        "per": QuotaPer.PERSON,
        "window": QuotaWindow.YEARS,
        "window_length": 2,
        "measure": QuotaMeasure.QUANTITY,
        "max_quantity": 1,
    },
)


@dataclass
class DemoRightsResult:
    rules: int
    rights: int
    opened_in_bulk: int
    journey_file: str


def seed_quota_rules(network: Organisation) -> list[QuotaRule]:
    rules = [QuotaRule(network=network, **values) for values in DEMO_RULES]
    for rule in rules:
        rule.full_clean()
    return QuotaRule.objects.bulk_create(rules)


def _consumed_files(network: Organisation):
    consumed = Referral.objects.filter(beneficiary=OuterRef("pk"), status=ReferralStatus.CONSUMED)
    return (
        Beneficiary.objects.active()
        .filter(site__network=network)
        .filter(Exists(consumed))
        .select_related("site")
        .order_by("pk")
    )


def seed_demo_rights(*, network: Organisation, clock: ManualClock) -> DemoRightsResult:
    clock.release()
    today = core_clock.localdate()
    AccessRightSettings.objects.get_or_create(network=network)
    rules = seed_quota_rules(network)
    settings = settings_for(network.pk)
    files = list(_consumed_files(network))
    with_right = set(
        AccessRight.objects.filter(network=network, beneficiary__in=files).values_list(
            "beneficiary_id", flat=True
        )
    )
    admin = (
        Membership.objects.active()
        .filter(organisation=network, role=Role.NETWORK_ADMIN)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    missing = [
        AccessRight(
            network=network,
            site=file.site,
            beneficiary=file,
            opened_by=RightOpening.REFERRAL,
            starts_on=today,
            ends_on=period_end(today, settings.duration_months),
        )
        for file in files
        if file.pk not in with_right
    ]
    AccessRight.objects.bulk_create(missing)
    if missing:
        record(
            actor=admin.user if admin else None,
            action="access_right.opened_in_bulk",
            obj=network,
            payload={"count": len(missing)},
        )
    journey = next((file for file in files if file.site.short_code == JOURNEY_SITE), None)
    journey_number = ""
    if journey is not None:
        journey_number = journey.file_number
        _journey_right_and_household(journey, files, today=today)
    return DemoRightsResult(
        rules=len(rules),
        rights=AccessRight.objects.filter(network=network).count(),
        opened_in_bulk=len(missing),
        journey_file=journey_number,
    )


def _journey_right_and_household(journey: Beneficiary, files, *, today) -> None:
    """The journey's person: an active right today, and a household with a neighbour file."""
    manager = (
        Membership.objects.active()
        .filter(organisation=journey.site, role=Role.SITE_MANAGER)
        .select_related("user", "organisation__site")
        .order_by("user__email")
        .first()
    )
    if manager is None:
        return
    right = AccessRight.objects.current().filter(beneficiary=journey).first()
    if right is None or right.status_on(today) != "active":
        access_right_open(
            actor=manager,
            beneficiary=journey,
            starts_on=today,
            reason="Parcours de démonstration",
        )
    partner = next(
        (
            file
            for file in files
            if file.site_id == journey.site_id
            and file.pk != journey.pk
            and not HouseholdMember.objects.current().filter(beneficiary=file).exists()
        ),
        None,
    )
    if (
        partner is not None
        and not HouseholdMember.objects.current().filter(beneficiary=journey).exists()
    ):
        household_link(actor=manager, beneficiary=journey, other=partner)


# --- the counter's history (issue 11, second part) ---------------------------------------
#
# A year of counter sales (``full``; a few weeks in ``ci``), written through the counter's
# services on the demo clock: each space receives, at the start of each month, the devices
# and codes its month of sales needs (``offers.receipts``, from its donation lots), then its
# team sells them to people whose current access right is active that day (the services
# check the right, the quotas and the stock: a refusal is a sale that did not happen, its
# cart cancelled). Some carts are cancelled, a few expire; some devices come back within
# the warranty (refunded or exchanged), a code is refunded; boxes open subscriptions whose
# months are paid; each day with sales ends with the cash closing. The journey's person buys
# a laptop and a 5 € recharge. Deterministic: one seeded random generator.

SALES_RANDOM_SEED = 11
# Of every 100 sales planned: how many carts are cancelled before payment, how many left
# to expire; of every 100 devices sold, how many come back (half exchanged, half refunded).
CANCEL_PER_100 = 3
EXPIRE_PER_100 = 1
DEVICE_RETURNS_PER_100 = 4
CANCEL_REASONS = (
    "La personne n'avait pas assez d'argent sur elle.",
    "La personne préfère revenir avec sa conseillère.",
    "Le modèle ne convient pas, la personne reviendra.",
)
RETURN_REASONS = ("Écran qui clignote", "La batterie ne tient pas la charge", "Ne démarre plus")
# The cash a till keeps overnight; the rest goes to the bank.
FLOAT_KEPT = Decimal("50.00")
ZERO = Decimal("0.00")


@dataclass
class DemoSalesResult:
    sales: int = 0
    cancelled: int = 0
    expired: int = 0
    refused: int = 0
    returns: int = 0
    exchanges: int = 0
    subscriptions: int = 0
    fee_sales: int = 0
    closings: int = 0
    journey_receipt: str = ""
    seconds: float = 0.0


@dataclass
class _Buyer:
    file: Beneficiary
    site_id: int
    household_id: int | None
    first: datetime.date  # the first and last day its current right is active
    last: datetime.date

    @property
    def household_key(self) -> tuple[str, int]:
        return ("household", self.household_id) if self.household_id else ("file", self.file.pk)


@dataclass
class _Planned:
    moment: datetime.datetime
    buyer: _Buyer
    basket: list[Offer]
    fate: str = "paid"  # paid, cancelled, expired
    showcase: bool = False  # its first device comes back for an exchange


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _buyers(network: Organisation, *, today: datetime.date) -> list[_Buyer]:
    """Everyone whose current right was active on some past day (a suspended right sells
    nothing), with their household."""
    households = dict(
        HouseholdMember.objects.current()
        .filter(beneficiary__site__network=network)
        .values_list("beneficiary_id", "household_id")
    )
    rights = (
        AccessRight.objects.current()
        .filter(network=network, suspended_on__isnull=True, beneficiary__merged_into__isnull=True)
        .select_related("beneficiary")
        .order_by("pk")
    )
    buyers = []
    for right in rights:
        last = min(right.ends_on, today - datetime.timedelta(days=1))
        if right.closed_on is not None:
            last = min(last, right.closed_on - datetime.timedelta(days=1))
        if last >= right.starts_on:
            buyers.append(
                _Buyer(
                    file=right.beneficiary,
                    site_id=right.beneficiary.site_id,
                    household_id=households.get(right.beneficiary_id),
                    first=right.starts_on,
                    last=last,
                )
            )
    return buyers


def _months(first: datetime.date, last: datetime.date):
    """(first day, last day) of each month from ``first`` to ``last``, clipped to both."""
    start = first
    while start <= last:
        following = add_months(start.replace(day=1), 1)
        yield start, min(following - datetime.timedelta(days=1), last)
        start = following


class _Planner:
    """Baskets that respect the demo's quota rules (the services check them again)."""

    def __init__(self, offers: dict[str, Offer], recharges: list[Offer], rng: random.Random):
        self.offers, self.recharges, self.rng = offers, recharges, rng
        self.laptops: set[tuple[str, int]] = set()
        self.phones: set[int] = set()
        self.recharged: dict[tuple[int, int, int], Decimal] = {}

    def basket(self, buyer: _Buyer, day: datetime.date, *, devices: bool) -> list[Offer]:
        rng, offers, basket = self.rng, self.offers, []
        if devices:
            if buyer.household_key not in self.laptops and rng.random() < 0.22:
                basket.append(offers[OfferFamily.LAPTOP])
                self.laptops.add(buyer.household_key)
            if buyer.file.pk not in self.phones and rng.random() < 0.2:
                basket.append(offers[OfferFamily.SMARTPHONE])
                self.phones.add(buyer.file.pk)
            for family, chance in ((OfferFamily.TABLET, 0.04), (OfferFamily.DESKTOP, 0.03)):
                if rng.random() < chance:
                    basket.append(offers[family])
            lent = rng.random()
            if lent < 0.035:
                basket.append(offers[OfferFamily.BOX])
            elif lent < 0.05:
                basket.append(offers[OfferFamily.KEY_4G])
        if (
            rng.random() < 0.3
            or not basket
            or basket[-1].family
            in (
                OfferFamily.BOX,
                OfferFamily.KEY_4G,
            )
        ):
            basket.append(offers[OfferFamily.SIM])
        month = (buyer.file.pk, day.year, day.month)
        spent = self.recharged.get(month, Decimal("0"))
        if rng.random() < 0.6:
            choices = [o for o in self.recharges if spent + o.face_value <= Decimal("30.00")]
            if choices:
                recharge = rng.choice(choices)
                basket.append(recharge)
                self.recharged[month] = spent + recharge.face_value
        return basket


def _plan_site(site, buyers, planner, rng, *, first, last, per_month, devices) -> list[_Planned]:
    planned = []
    for start, end in _months(first, last):
        here = [b for b in buyers if b.site_id == site.pk and b.first <= end and b.last >= start]
        for buyer in rng.sample(here, min(per_month, len(here))):
            low, high = max(start, buyer.first), min(end, buyer.last)
            day = low + datetime.timedelta(days=rng.randrange((high - low).days + 1))
            if day.weekday() == 6:  # the spaces are closed on Sundays
                day = max(low, day - datetime.timedelta(days=1))
            moment = _at(day, rng.choice((9, 10, 11, 14, 15, 16)), rng.randrange(0, 50))
            fate = rng.randrange(100)
            planned.append(
                _Planned(
                    moment=moment,
                    buyer=buyer,
                    basket=planner.basket(buyer, day, devices=devices),
                    fate="cancelled"
                    if fate < CANCEL_PER_100
                    else "expired"
                    if fate < CANCEL_PER_100 + EXPIRE_PER_100
                    else "paid",
                )
            )
    planned.sort(key=lambda p: p.moment)
    if devices and len(planned) >= 4:
        # Whatever the size of the demo, a space shows each path at least once.
        planned[1].fate, planned[2].fate = "cancelled", "expired"
        if not any(o.family in LENT_FAMILIES for p in planned for o in p.basket):
            planned[3].basket.append(planner.offers[OfferFamily.BOX])
        with_device = [
            p
            for p in planned[3:]
            if p.fate == "paid"
            and any(
                o.tracking == Tracking.DEVICE and o.family not in LENT_FAMILIES for o in p.basket
            )
        ]
        if with_device:
            with_device[0].showcase = True
    return planned


class _Stock:
    """What a space receives at the start of a month for the sales planned in it."""

    MODELS = {
        OfferFamily.LAPTOP: ("Lenovo", "ThinkPad T480"),
        OfferFamily.DESKTOP: ("Dell", "OptiPlex 7060"),
        OfferFamily.SMARTPHONE: ("Samsung", "Galaxy A52"),
        OfferFamily.TABLET: ("Samsung", "Galaxy Tab A8"),
        OfferFamily.BOX: ("SFR", "Box 8"),
        OfferFamily.KEY_4G: ("Huawei", "E3372"),
    }

    def __init__(self, receiver: Membership, rng: random.Random):
        self.receiver, self.rng, self.number = receiver, rng, 0

    def _lot(self, site, family: str, day: datetime.date):
        return (
            DonationLot.objects.filter(site=site, family=family, received_on__lte=day)
            .order_by("-received_on", "-pk")
            .first()
        )

    def _next(self) -> int:
        self.number += 1
        return self.number

    def receive(self, site, needs: dict[Offer, int], day: datetime.date) -> None:
        for offer, count in sorted(needs.items(), key=lambda item: item[0].pk):
            lot = self._lot(site, offer.family, day)
            if offer.tracking == Tracking.DEVICE:
                receipts.devices_receive(
                    actor=self.receiver,
                    site=site,
                    offer=offer,
                    items=[self._device(offer.family, row) for row in range(1, count + 1)],
                    status=DeviceStatus.READY_TO_DISTRIBUTE,
                    lot=lot,
                    received_on=day,
                )
            else:
                receipts.vouchers_receive(
                    actor=self.receiver,
                    site=site,
                    offer=offer,
                    items=[
                        VoucherIn(
                            row=row,
                            code=f"7{self._next():09d}{self.rng.randrange(10**9, 10**10)}",
                            serial=f"{site.short_code}-V{self.number:07d}",
                            expires_on=day + datetime.timedelta(days=540),
                        )
                        for row in range(1, count + 1)
                    ],
                    lot=lot,
                    received_on=day,
                )

    def _device(self, family: str, row: int) -> DeviceIn:
        number = self._next()
        brand, model = self.MODELS[family]
        computer = family in (OfferFamily.LAPTOP, OfferFamily.DESKTOP)
        imei = ""
        if family == OfferFamily.SMARTPHONE:
            body = f"36{number:012d}"
            imei = body + luhn_check_digit(body)
        return DeviceIn(
            row=row,
            serial_number=f"VTE{number:09d}",
            imei=imei,
            brand=brand,
            model_name=model,
            grade=self.rng.choice([Grade.A, Grade.A, Grade.B]),
            memory_gb=8 if computer else 4,
            storage_gb=256 if computer else 64,
            storage_kind="SSD" if computer else "FLASH",
            operating_system=self.rng.choice(["Linux", "Windows"]) if computer else "Android",
        )


class _Counter:
    """One space's counter on the demo clock, fed by a queue of events in time order: stock
    received, sales, returns and exchanges, box fees and box returns. Its mediator sells,
    its manager takes the returns and closes the till at the end of each day that moved
    money."""

    def __init__(self, *, site, seller, manager, partner, clock, rng, result, stock, today):
        self.site, self.seller, self.manager, self.partner = site, seller, manager, partner
        self.clock, self.rng, self.result, self.stock = clock, rng, result, stock
        self.today = today
        self.queue: list = []
        self.order = itertools.count()
        self.days: set[datetime.date] = set()
        self.pass_number = 0

    def push(self, moment: datetime.datetime, kind: str, payload) -> None:
        if timezone.localdate(moment) < self.today:
            heapq.heappush(self.queue, (moment, next(self.order), kind, payload))

    def run(self) -> None:
        while self.queue:
            moment, _order, kind, payload = heapq.heappop(self.queue)
            self._close_before(timezone.localdate(moment))
            self.clock.move_to(moment)
            getattr(self, f"_on_{kind}")(moment, payload)
        self._close_before(self.today)

    # --- events ------------------------------------------------------------------------

    def _on_receive(self, moment, needs: dict[Offer, int]) -> None:
        self.stock.receive(self.site, needs, timezone.localdate(moment))

    def _on_sale(self, moment, planned: _Planned) -> None:
        sale = self.sell(planned)
        if sale is None:
            return
        for line in sale.lines.select_related("offer"):
            family = line.offer.family
            if family in LENT_FAMILIES:
                subscription = BoxSubscription.objects.get(opening_line=line)
                self.result.subscriptions += 1
                self._plan_subscription(subscription, moment)
            elif line.device_id and (
                planned.showcase or self.rng.randrange(100) < DEVICE_RETURNS_PER_100
            ):
                back = moment + datetime.timedelta(days=self.rng.randrange(3, 13), hours=1)
                outcome = self.rng.choice((ReturnOutcome.EXCHANGE, ReturnOutcome.REFUND))
                if planned.showcase:
                    outcome, planned.showcase = ReturnOutcome.EXCHANGE, False
                self.push(back, "return", (line, outcome, planned.buyer))
            elif family == OfferFamily.RECHARGE and self.rng.randrange(100) < 2:
                back = moment + datetime.timedelta(days=1, hours=2)
                self.push(back, "return", (line, ReturnOutcome.REFUND, planned.buyer))

    def _on_return(self, moment, payload) -> None:
        line, outcome, buyer = payload
        device = line.device_id is not None
        fate = ""
        if device:
            draw = self.rng.randrange(10)
            fate = (
                ReturnedDeviceFate.WRITTEN_OFF
                if draw == 0
                else ReturnedDeviceFate.AFTER_SALES
                if draw < 3
                else ReturnedDeviceFate.TO_PROCESS
            )
        first = line.sale.payments.order_by("pk").first()
        by_card = first is not None and first.method == PaymentMethod.CARD
        method = PaymentMethod.CARD if by_card else PaymentMethod.CASH
        # A refund gives back only what the person paid from their own pocket (a CCAS's share
        # or Pass numérique vouchers never become cash); nothing of theirs: no refund.
        refund_amount = None
        if outcome == ReturnOutcome.REFUND:
            own = returns.own_money_left(line.sale)
            if own <= 0:
                return
            refund_amount = min(line.unit_price * line.quantity, own)
        sale_return = returns.sale_return_record(
            actor=self.manager,
            line=line,
            quantity=line.quantity,
            outcome=outcome,
            reason=self.rng.choice(RETURN_REASONS) if device else "Code refusé par l'opérateur",
            device_fate=fate,
            refund_method=method if outcome == ReturnOutcome.REFUND else "",
            refund_amount=refund_amount,
        )
        self.result.returns += 1
        if outcome == ReturnOutcome.REFUND:
            self.days.add(timezone.localdate(moment))
            return
        self.result.exchanges += 1
        exchange = _Planned(
            moment=moment + datetime.timedelta(minutes=5), buyer=buyer, basket=[line.offer]
        )
        self.push(exchange.moment, "exchange", (exchange, sale_return))

    def _on_exchange(self, moment, payload) -> None:
        planned, sale_return = payload
        offer = planned.basket[0]
        credit = min(sale_return.credit_amount, offer.solidarity_price)
        payments = [
            PaymentInput(method=PaymentMethod.CREDIT, amount=credit, credit_from=sale_return)
        ]
        if offer.solidarity_price > credit:
            payments.append(
                PaymentInput(method=PaymentMethod.CASH, amount=offer.solidarity_price - credit)
            )
        self.sell(planned, payments=payments)

    def _plan_subscription(self, subscription: BoxSubscription, moment) -> None:
        """Months paid three at a time; one box in five comes back early."""
        due = subscription.starts_on
        end = subscription.ends_on
        if self.rng.randrange(5) == 0:
            end = min(end, due + datetime.timedelta(days=self.rng.randrange(60, 200)))
            back = _at(end, 15)
            self.push(back, "box_back", subscription)
        while due <= end:
            months = [
                add_months(subscription.starts_on, index)
                for index in range(self._month_index(subscription.starts_on, due), 12)
            ]
            months = [month for month in months if month <= end][:3]
            if not months:
                break
            self.push(_at(months[0], 11, 15), "fee", (subscription, months))
            due = add_months(months[-1], 1)

    @staticmethod
    def _month_index(start: datetime.date, day: datetime.date) -> int:
        return (day.year - start.year) * 12 + day.month - start.month

    def _on_fee(self, moment, payload) -> None:
        subscription, months = payload
        subscription.refresh_from_db()
        if subscription.status != SubscriptionStatus.ACTIVE:
            return
        months = [
            month
            for month in months
            if subscription.ended_on is None or month <= subscription.ended_on
        ]
        if not months:
            return
        sale = boxes.fee_sale_create(actor=self.seller, subscription=subscription, months=months)
        try:
            sale = counter.sale_pay(
                actor=self.seller,
                sale=sale,
                payments=[PaymentInput(method=PaymentMethod.CASH, amount=sale.total_price)],
            )
        except DomainError as refusal:
            counter.sale_cancel(
                actor=self.seller, sale=sale, reason=f"Refus au comptoir : {refusal}"[:300]
            )
            self.result.refused += 1
            return
        self.result.fee_sales += 1
        self.days.add(timezone.localdate(moment))

    def _on_box_back(self, moment, subscription: BoxSubscription) -> None:
        subscription.refresh_from_db()
        boxes.box_return(
            actor=self.manager,
            subscription=subscription,
            on=timezone.localdate(moment),
            condition="Rendue complète, avec son câble et son bloc secteur.",
        )

    def _on_journey(self, moment, planned: _Planned) -> None:
        total = sum((offer.solidarity_price for offer in planned.basket), Decimal("0"))
        self.sell(planned, payments=[PaymentInput(method=PaymentMethod.CASH, amount=total)])

    # --- a sale, a closing -------------------------------------------------------------

    def _payments(self, sale: Sale) -> list[PaymentInput]:
        total, draw = sale.total_price, self.rng.randrange(100)
        if draw < 8 and self.partner is not None and total >= Decimal("20.00"):
            part = (total / 2).quantize(Decimal("0.01"))
            return [
                PaymentInput(
                    method=PaymentMethod.THIRD_PARTY,
                    amount=part,
                    payer=self.partner,
                    reference=f"BC-{sale.pk:06d}",
                ),
                PaymentInput(method=PaymentMethod.CASH, amount=total - part),
            ]
        if draw < 14 and total >= Decimal("10.00") and total % 10 == 0:
            numbers = []
            for _index in range(int(total // 10)):
                self.pass_number += 1
                numbers.append(f"PN{self.site.short_code}{self.pass_number:06d}")
            return [
                PaymentInput(
                    method=PaymentMethod.PASS_NUMERIQUE, amount=total, pass_numbers=numbers
                )
            ]
        method = PaymentMethod.CARD if draw < 45 else PaymentMethod.CASH
        if draw >= 95 and total >= Decimal("50.00"):
            method = PaymentMethod.CHEQUE
        return [PaymentInput(method=method, amount=total)]

    def sell(self, planned: _Planned, *, payments=None) -> Sale | None:
        self.clock.move_to(planned.moment)
        sale = counter.sale_start(actor=self.seller, beneficiary=planned.buyer.file, site=self.site)
        try:
            for offer in planned.basket:
                counter.cart_add(actor=self.seller, sale=sale, offer=offer)
            sale = counter.sale_confirm(actor=self.seller, sale=sale)
        except DomainError as refusal:
            counter.sale_cancel(
                actor=self.seller, sale=sale, reason=f"Refus au comptoir : {refusal}"[:300]
            )
            self.result.refused += 1
            return None
        self.clock.move_to(planned.moment + datetime.timedelta(minutes=4))
        if planned.fate == "cancelled":
            counter.sale_cancel(
                actor=self.seller, sale=sale, reason=self.rng.choice(CANCEL_REASONS)
            )
            self.result.cancelled += 1
            return None
        if planned.fate == "expired":
            # Nobody comes back to pay: the expiry job ends it once the hold has run out.
            self.result.expired += counter.sales_expire(
                now=planned.moment + datetime.timedelta(hours=2)
            )
            return None
        sale = counter.sale_pay(
            actor=self.seller, sale=sale, payments=payments or self._payments(sale)
        )
        self.result.sales += 1
        self.days.add(timezone.localdate(planned.moment))
        return sale

    def _close_before(self, day: datetime.date) -> None:
        """Close the till of every day before ``day`` that moved money, in order."""
        for closed in sorted(d for d in self.days if d < day):
            self.days.discard(closed)
            self.clock.move_to(_at(closed, 18, 30))
            expected = cash.expected_amounts(self.site, closed)
            opening = cash.previous_float(self.site, closed)
            in_till = {method: expected[method] for method in TILL_METHODS}
            in_till[PaymentMethod.CASH] += opening
            counted = {method: max(amount, ZERO) for method, amount in in_till.items()}
            comment = ""
            if counted != in_till:
                comment = "Remboursement plus élevé que ce que la caisse contenait ce jour-là."
            elif self.rng.randrange(40) == 0 and counted[PaymentMethod.CASH] >= 1:
                counted[PaymentMethod.CASH] -= Decimal("0.50")
                comment = "Erreur de rendu de monnaie."
            deposit = max(counted[PaymentMethod.CASH] - FLOAT_KEPT, ZERO)
            cash.cash_closing_record(
                actor=self.manager,
                site=self.site,
                day=closed,
                counted=counted,
                bank_deposit=deposit,
                comment=comment,
            )
            self.result.closings += 1


def _member(organisation, *roles) -> Membership | None:
    for role in roles:
        found = (
            Membership.objects.active()
            .filter(organisation=organisation, role=role)
            .select_related("user", "organisation")
            .order_by("user__email", "pk")
            .first()
        )
        if found is not None:
            return found
    return None


def seed_demo_sales(
    *,
    network: Organisation,
    clock: ManualClock,
    days: int,
    per_site_month: int,
    journey_file: str = "",
) -> DemoSalesResult:
    """The counter's history of the last ``days`` days (see the comment above)."""
    started = time.monotonic()
    result = DemoSalesResult()
    clock.release()
    today = core_clock.localdate()
    first, last = today - datetime.timedelta(days=days), today - datetime.timedelta(days=1)
    rng = random.Random(SALES_RANDOM_SEED)  # noqa: S311 (demo data, not secrets)
    catalogue = list(Offer.objects.filter(network=network, is_active=True).order_by("pk"))
    offers = {offer.family: offer for offer in reversed(catalogue)}  # first of each family
    recharges = [offer for offer in catalogue if offer.family == OfferFamily.RECHARGE]
    admin = _member(network, Role.NETWORK_ADMIN)
    hub_id = StockSettings.objects.filter(network=network).values_list("hub_id", flat=True).first()
    partner = (
        Partner.objects.filter(network=network, is_active=True, partner_kind="CCAS")
        .order_by("pk")
        .first()
    )
    journey = Beneficiary.objects.filter(file_number=journey_file).first() if journey_file else None
    buyers = _buyers(network, today=today)
    if journey is not None:
        kept_apart = {journey.pk} | set(
            HouseholdMember.objects.current()
            .filter(household__members__beneficiary=journey)
            .values_list("beneficiary_id", flat=True)
        )
        buyers = [buyer for buyer in buyers if buyer.file.pk not in kept_apart]
    planner = _Planner(offers, recharges, rng)
    stock = _Stock(admin, rng)
    for site in Site.objects.filter(network=network).order_by("short_code"):
        seller = _member(site, Role.MEDIATOR, Role.SITE_MANAGER)
        manager = _member(site, Role.SITE_MANAGER)
        if seller is None or manager is None:
            continue
        desk = _Counter(
            site=site, seller=seller, manager=manager, partner=partner, clock=clock, rng=rng,
            result=result, stock=stock, today=today,
        )  # fmt: skip
        planned = _plan_site(
            site, buyers, planner, rng, first=first, last=last, per_month=per_site_month,
            devices=site.pk != hub_id,
        )  # fmt: skip
        for month_start, month_end in _months(first, last):
            needs: dict[Offer, int] = {}
            for sale in planned:
                if month_start <= timezone.localdate(sale.moment) <= month_end:
                    desk.push(sale.moment, "sale", sale)
                    for offer in sale.basket:
                        needs[offer] = needs.get(offer, 0) + 1
            if needs:
                # One more of each: an exchange takes it, or it stays on the shelf.
                desk.push(_at(month_start, 8), "receive", {o: n + 1 for o, n in needs.items()})
        if journey is not None and journey.site_id == site.pk:
            _plan_journey(desk, journey, offers, recharges, today=today)
        desk.run()
        if journey is not None and journey.site_id == site.pk:
            result.journey_receipt = (
                Sale.objects.paid()
                .filter(beneficiary=journey, lines__offer__family=OfferFamily.LAPTOP)
                .values_list("receipt_number", flat=True)
                .first()
                or ""
            )
    clock.release()
    result.seconds = round(time.monotonic() - started, 1)
    return result


def _plan_journey(desk: _Counter, journey, offers, recharges, *, today) -> None:
    """The journey's person buys a laptop and a 5 € recharge, in cash, two days ago or on
    the first day of their active right (the right opened today: then today, before now)."""
    right = AccessRight.objects.current().get(beneficiary=journey)
    day = max(right.starts_on, today - datetime.timedelta(days=2))
    five = next(offer for offer in recharges if offer.face_value == Decimal("5.00"))
    laptop = offers[OfferFamily.LAPTOP]
    moment = _at(day, 10, 30)
    if day >= today:
        desk.today = today + datetime.timedelta(days=1)  # this sale happens today
        moment = max(core_clock.now() - datetime.timedelta(minutes=30), _at(today, 0, 5))
    buyer = _Buyer(journey, journey.site_id, None, right.starts_on, today)
    desk.push(moment - datetime.timedelta(minutes=20), "receive", {laptop: 1, five: 1})
    planned = _Planned(moment=moment, buyer=buyer, basket=[laptop, five])
    desk.push(moment, "journey", planned)
