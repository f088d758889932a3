"""Property test of the counter sale (hypothesis): whatever sequence of sales, overrides,
carts left unpaid, cancellations, returns (refunds and exchanges whose credit pays the next
sale) and days passing two people of one household go through at the counter,

- no quota rule is ever exceeded unless an overridden sale sits in its window;
- the stock ledger's levels always equal the devices and codes on the premises (and the
  units held equal the reservations);
- only the lines of confirmed and paid sales take quota (a sale never paid never counted),
  and a line's quota comes back once the whole line has been returned;
- the receipts of the site are numbered 1, 2, 3… in each year, without a gap.

The engine-level version is tests/sales/test_quota_properties.py; this one drives the real
counter services (``tisser.sales.counter``) on real stock received through the ledger.
"""

import contextlib
import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.stock_helpers import assert_ledger_agrees, receive_devices, receive_vouchers
from tests.sales.factories import AccessRightFactory
from tests.sales.helpers import paris
from tisser.beneficiaries import services as files
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.offers import receipts
from tisser.offers.enums import DeviceStatus, Grade
from tisser.offers.validators import luhn_check_digit
from tisser.sales import counter, returns
from tisser.sales.counter_selectors import credits_left
from tisser.sales.enums import PaymentMethod, ReturnedDeviceFate, ReturnOutcome, SaleStatus
from tisser.sales.models import CounterSettings, QuotaConsumption, Sale, SaleLine
from tisser.sales.quotas import Override, quota_remaining

pytestmark = pytest.mark.django_db

PEOPLE = 2  # one household
OFFERS = ("laptop", "smartphone", "recharge5", "recharge10")
DEVICES = 12  # per device offer: more than a run can sell, so stock never refuses
CODES = 40  # per recharge offer
START = paris(2027, 1, 30, 10)  # two days before a calendar month ends

items = st.lists(
    st.tuples(st.sampled_from(OFFERS), st.integers(1, 2)),
    min_size=1,
    max_size=2,
    unique_by=lambda i: i[0],
)
sell = st.tuples(st.just("sell"), st.integers(0, PEOPLE - 1), items)
# a paid line brought back (the most recent first): refunded or exchanged, the device's
# fate, all of it or one unit
give_back = st.tuples(
    st.just("return"),
    st.integers(0, 3),
    st.sampled_from(ReturnOutcome.values),
    st.sampled_from(ReturnedDeviceFate.values),
    st.booleans(),
)
steps = st.lists(
    st.one_of(
        # a sale confirmed and paid (refused by a quota: the cart is cancelled)
        sell,
        sell,
        # a site manager lets it through beyond the quotas
        st.tuples(st.just("override"), st.integers(0, PEOPLE - 1), items),
        # confirmed, then left at the counter unpaid (cancelled or expired later)
        st.tuples(st.just("leave"), st.integers(0, PEOPLE - 1), items),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        give_back,
        give_back,
        # days pass: within a month or a warranty mostly, sometimes beyond a quota's years
        st.tuples(st.just("days"), st.integers(1, 40)),
        st.tuples(st.just("days"), st.integers(300, 800)),
    ),
    min_size=4,
    max_size=12,
)


@pytest.fixture
def shelf(team, offers):
    """Stock received through the ledger at the team's site, once per test function (each
    example runs in a transaction rolled back at its end)."""
    with clock.manual_clock() as manual:
        manual.move_to(START - datetime.timedelta(days=20))
        for offer in (offers.laptop, offers.smartphone):
            offer.allowed_grades = [Grade.A.value, Grade.B.value]
            offer.save(update_fields=["allowed_grades"])
        receive_devices(team.site, offers.laptop, DEVICES, grade=Grade.A)
        _receive_phones(team, offers.smartphone, DEVICES)
        for offer in (offers.recharge5, offers.recharge10):
            receive_vouchers(team.site, offer, CODES, expires_on=datetime.date(2035, 1, 1))
    return [getattr(offers, name) for name in OFFERS]


def _receive_phones(team, offer, count):
    """Smartphones need an IMEI: received with valid ones (Luhn digit)."""
    items = []
    for index in range(count):
        body = f"35{offer.pk:04d}{index:08d}"
        items.append(
            receipts.DeviceIn(
                row=index + 1,
                serial_number=f"PH{offer.pk:04d}{index:05d}",
                imei=body + luhn_check_digit(body),
                brand="Samsung",
                model_name="Galaxy A52",
                grade=Grade.A,
            )
        )
    receipts.devices_receive(
        actor=team.admin,
        site=team.site,
        offer=offer,
        items=items,
        status=DeviceStatus.READY_TO_DISTRIBUTE,
    )


def _note(what: str) -> None:
    """Count what the examples went through (``--hypothesis-show-statistics``); outside a
    hypothesis example (the plain test below) there is nothing to count."""
    with contextlib.suppress(InvalidArgument):
        event(what)


def _people(team):
    people = [BeneficiaryFactory(site=team.site) for _ in range(PEOPLE)]
    for person in people:
        AccessRightFactory(
            beneficiary=person, starts_on=START.date(), ends_on=datetime.date(2034, 12, 31)
        )
    files.household_link(actor=team.mediator, beneficiary=people[0], other=people[1])
    return people


def _cart(team, person, basket, offers):
    """A new cart with ``basket``; a sale the person left waiting for payment is paid
    first (a confirmed sale takes no more lines)."""
    sale = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    if sale.status == SaleStatus.CONFIRMED:
        with pytest.raises(DomainError):
            counter.cart_add(actor=team.mediator, sale=sale, offer=offers.laptop)
        _pay(team, sale)
        sale = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    assert sale.status == SaleStatus.CART and not sale.lines.exists()
    for name, quantity in basket:
        offer = getattr(offers, name)
        if name in ("laptop", "smartphone"):
            quantity = 1  # one device per line
        counter.cart_add(actor=team.mediator, sale=sale, offer=offer, quantity=quantity)
    return sale


def _confirm(team, sale, override=None) -> bool:
    """Confirmed (True), or refused by a rule and the cart cancelled (False)."""
    try:
        counter.sale_confirm(actor=team.mediator, sale=sale, override=override)
    except DomainError:
        assert override is None, "an override lets a sale through whatever the quotas"
        counter.sale_cancel(actor=team.mediator, sale=sale, reason="Quota atteint")
        _note("sale refused by a quota")
        return False
    if override is not None:
        _note("sale confirmed with an override")
    return True


def _pay(team, sale):
    """In cash, after what is left of the person's exchange credits (mixed payment)."""
    sale.refresh_from_db()
    due = sale.total_price
    payments = []
    for credit in credits_left(
        beneficiary=sale.beneficiary, network_id=sale.network_id, membership=team.mediator
    ):
        amount = min(credit.left, due)
        if amount > 0:
            payments.append(
                counter.PaymentInput(method=PaymentMethod.CREDIT, amount=amount, credit_from=credit)
            )
            due -= amount
            _note("paid with an exchange credit")
    if due > 0 or not payments:
        payments.append(counter.PaymentInput(method=PaymentMethod.CASH, amount=due))
    counter.sale_pay(actor=team.mediator, sale=sale, payments=payments)


def _return(team, people, step):
    """Bring back a paid line; refused only when it is all back or too late."""
    _, index, outcome, fate, whole = step
    lines = list(
        SaleLine.objects.filter(sale__beneficiary__in=people, sale__status=SaleStatus.PAID)
        .select_related("sale", "offer", "device")
        .order_by("-pk")
    )
    if not lines:
        return
    line = lines[index % len(lines)]
    left = line.quantity - returns.returned_quantity(line)
    too_late = clock.localdate() > returns.return_deadline(
        line, CounterSettings.of_network(line.sale.network_id)
    )
    attempt = {
        "actor": team.mediator,
        "line": line,
        "quantity": left if whole or left <= 1 else 1,
        "outcome": outcome,
        "reason": "Ne fonctionne pas",
        "device_fate": fate if line.device_id else "",
        "refund_method": PaymentMethod.CASH if outcome == ReturnOutcome.REFUND else "",
    }
    if left <= 0 or too_late:
        with pytest.raises(DomainError):
            returns.sale_return_record(**attempt)
        _note("return refused (all back or too late)")
        return
    returns.sale_return_record(**attempt)
    _note(f"return recorded ({outcome})")


def _no_rule_exceeded_without_override(people):
    for person in people:
        for status in quota_remaining(beneficiary=person):
            if status.applies and status.used > status.maximum:
                assert any(c.overridden for c in status.counted), (
                    f"{status.rule.name} exceeded for {person.pk} without an override: "
                    f"{status.used} > {status.maximum}"
                )


def _only_live_sales_take_quota(people):
    live = set(
        SaleLine.objects.filter(
            sale__beneficiary__in=people,
            sale__status__in=[SaleStatus.CONFIRMED, SaleStatus.PAID],
        ).values_list("pk", flat=True)
    )
    taken = set(
        QuotaConsumption.objects.filter(
            beneficiary__in=people, reference_kind="sale_line"
        ).values_list("reference_id", flat=True)
    )
    assert taken == live


def _quota_given_back_once_the_whole_line_is_back(people):
    for consumption in QuotaConsumption.objects.filter(
        beneficiary__in=people, reference_kind="sale_line"
    ):
        line = SaleLine.objects.get(pk=consumption.reference_id)
        wholly_back = returns.returned_quantity(line) == line.quantity
        assert (consumption.given_back_at is not None) == wholly_back


def _receipts_without_gaps(site):
    by_year: dict[int, list[int]] = {}
    for year, number in Sale.objects.filter(site=site, status=SaleStatus.PAID).values_list(
        "receipt_year", "receipt_sequence"
    ):
        by_year.setdefault(year, []).append(number)
    for numbers in by_year.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def _invariants(team, people, shelf):
    _no_rule_exceeded_without_override(people)
    for offer in shelf:
        assert_ledger_agrees(team.site, offer)
    _only_live_sales_take_quota(people)
    _quota_given_back_once_the_whole_line_is_back(people)
    _receipts_without_gaps(team.site)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_the_counter_keeps_quotas_and_stock_right(team, offers, rules, shelf, steps):
    with transaction.atomic(), clock.manual_clock() as manual:
        moment = START
        manual.move_to(moment)
        people = _people(team)
        for step in steps:
            kind = step[0]
            if kind in ("sell", "override", "leave"):
                _, who, basket = step
                override = (
                    Override(by=team.manager, reason="Situation exceptionnelle")
                    if kind == "override"
                    else None
                )
                sale = _cart(team, people[who], basket, offers)
                if _confirm(team, sale, override) and kind != "leave":
                    _pay(team, sale)
            elif kind == "cancel":
                open_sales = list(Sale.objects.filter(beneficiary__in=people).open().order_by("pk"))
                if open_sales:
                    sale = open_sales[step[1] % len(open_sales)]
                    counter.sale_cancel(actor=team.mediator, sale=sale, reason="Changé d'avis")
                    sale.refresh_from_db()
                    assert sale.status == SaleStatus.CANCELLED
            elif kind == "return":
                _return(team, people, step)
            else:
                moment += datetime.timedelta(days=step[1])
                manual.move_to(moment)
                if counter.sales_expire(now=moment):
                    _note("unpaid sale expired")
                assert not Sale.objects.filter(
                    beneficiary__in=people, status=SaleStatus.CONFIRMED, reserved_until__lt=moment
                ).exists()
            _invariants(team, people, shelf)
        transaction.set_rollback(True)


def test_a_sale_beyond_the_quota_is_refused_and_takes_nothing(team, offers, rules, shelf):
    """The example the property generalises: a second laptop in the household is refused
    with the rule's reason; its cart leaves the stock and the quotas as they were."""
    with transaction.atomic(), clock.manual_clock() as manual:
        manual.move_to(START)
        people = _people(team)
        first = _cart(team, people[0], [("laptop", 1)], offers)
        assert _confirm(team, first)
        _pay(team, first)
        second = _cart(team, people[1], [("laptop", 1)], offers)
        with pytest.raises(DomainError, match="Un ordinateur portable par foyer"):
            counter.sale_confirm(actor=team.mediator, sale=second)
        _invariants(team, people, shelf)
        assert QuotaConsumption.objects.filter(beneficiary=people[1]).count() == 0
        transaction.set_rollback(True)
