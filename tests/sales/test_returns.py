"""Returns of paid sales: refund or exchange, the stock and the quota, and every refusal."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.accounts.factories import PartnerFactory
from tests.helpers import run_together
from tests.offers.stock_helpers import level
from tests.referrals.test_printouts import pdf_pages
from tests.sales.factories import Item, SaleFactory, sell
from tests.sales.helpers import paris
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DeviceStatus, VoucherStatus
from tisser.offers.models import Device, Voucher
from tisser.sales import quotas, returns
from tisser.sales.enums import (
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    ReturnedDeviceFate,
    ReturnOutcome,
    SaleStatus,
)
from tisser.sales.models import (
    CounterSettings,
    Payment,
    QuotaConsumption,
    QuotaRule,
    Sale,
    SaleLine,
    SaleReturn,
)

pytestmark = pytest.mark.django_db
PAID_AT = paris(2026, 1, 15, 11)


def laptop_rule(counter, *, gives_back=True):
    return QuotaRule.objects.create(
        network=counter.network,
        name="Un ordinateur portable par personne",
        scope=QuotaScope.FAMILY,
        families=[OfferFamily.LAPTOP.value],
        per=QuotaPer.PERSON,
        window=QuotaWindow.LIFETIME,
        measure=QuotaMeasure.QUANTITY,
        max_quantity=1,
        return_gives_back=gives_back,
    )


def sell_at(counter, *items, at=PAID_AT, payments=None):
    with clock.frozen_at(at):
        return sell(
            actor=counter.mediator, beneficiary=counter.person, items=items, payments=payments
        )


def give_back(counter, line, *, at, actor=None, **kwargs):
    kwargs.setdefault("quantity", 1)
    kwargs.setdefault("outcome", ReturnOutcome.REFUND)
    kwargs.setdefault("reason", "Ne démarre plus.")
    if kwargs["outcome"] == ReturnOutcome.REFUND:
        kwargs.setdefault("refund_method", PaymentMethod.CASH)
    with clock.frozen_at(at):
        return returns.sale_return_record(actor=actor or counter.mediator, line=line, **kwargs)


def frozen(sale: Sale):
    """The sale, its lines and payments as stored: a return must not change them."""
    return (
        model_to_dict(Sale.objects.get(pk=sale.pk)),
        [model_to_dict(line) for line in SaleLine.objects.filter(sale=sale).order_by("pk")],
        [model_to_dict(payment) for payment in Payment.objects.filter(sale=sale).order_by("pk")],
    )


# --- a laptop refunded ------------------------------------------------------------------------


def test_a_refunded_laptop_goes_back_to_process_and_gives_the_quota_back(counter):
    laptop_rule(counter)
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    before = frozen(sale)
    on_hand = level(counter.site, counter.laptop).on_hand
    sale_return = give_back(
        counter,
        line,
        at=paris(2026, 1, 20),
        device_fate=ReturnedDeviceFate.TO_PROCESS,
    )
    assert sale_return.refund_amount == Decimal("150.00")
    assert sale_return.refund_method == PaymentMethod.CASH
    assert sale_return.credit_amount == 0
    assert sale_return.quota_given_back is True
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.TO_PROCESS
    assert level(counter.site, counter.laptop).on_hand == on_hand + 1
    assert QuotaConsumption.objects.get(reference_id=line.pk).given_back_at is not None
    # The person may buy a laptop again: the rule's line no longer counts.
    assert not quotas.quota_check(
        beneficiary=counter.person, basket=[quotas.BasketLine(counter.laptop, 1)]
    )
    assert frozen(sale) == before, "the paid sale and its receipt never change"
    entry = JournalEntry.objects.get(action="sale_return.recorded")
    assert entry.payload["line"] == line.pk and entry.payload["refund"] == "150.00"


def test_a_rule_whose_returns_keep_counting_still_counts_after_the_return(counter):
    laptop_rule(counter, gives_back=False)
    sale = sell_at(counter, counter.laptop)
    give_back(
        counter, sale.lines.get(), at=paris(2026, 1, 20), device_fate=ReturnedDeviceFate.TO_PROCESS
    )
    reasons = quotas.quota_check(
        beneficiary=counter.person, basket=[quotas.BasketLine(counter.laptop, 1)]
    )
    assert reasons and "ordinateur" in reasons[0]


def test_a_device_under_warranty_goes_to_after_sales(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    give_back(counter, line, at=paris(2026, 6, 1), device_fate=ReturnedDeviceFate.AFTER_SALES)
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.AFTER_SALES


def test_a_broken_device_is_written_off(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    on_hand = level(counter.site, counter.laptop).on_hand
    give_back(counter, line, at=paris(2026, 1, 20), device_fate=ReturnedDeviceFate.WRITTEN_OFF)
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.NOT_REUSABLE
    assert level(counter.site, counter.laptop).on_hand == on_hand, "returned, then out of stock"


def test_a_partial_refund_stays_within_the_price_paid(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    with pytest.raises(DomainError, match="de 0 € à 150,00"):
        give_back(
            counter,
            line,
            at=paris(2026, 1, 20),
            device_fate=ReturnedDeviceFate.TO_PROCESS,
            refund_amount=Decimal("150.01"),
        )
    sale_return = give_back(
        counter,
        line,
        at=paris(2026, 1, 20),
        device_fate=ReturnedDeviceFate.TO_PROCESS,
        refund_amount=Decimal("100.00"),
    )
    assert sale_return.refund_amount == Decimal("100.00")


# --- warranty and return delay, at their edges ------------------------------------------------


def test_a_laptop_comes_back_until_the_last_day_of_its_warranty(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    assert line.warranty_until == datetime.date(2027, 1, 15)
    with pytest.raises(DomainError, match="ont pris fin le 15 janvier 2027"):
        give_back(
            counter,
            line,
            at=paris(2027, 1, 16, 0, 0, 1),
            device_fate=ReturnedDeviceFate.AFTER_SALES,
        )
    assert not SaleReturn.objects.exists()
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.DISTRIBUTED
    give_back(
        counter, line, at=paris(2027, 1, 15, 23, 59), device_fate=ReturnedDeviceFate.AFTER_SALES
    )
    assert SaleReturn.objects.count() == 1


def test_a_code_comes_back_within_the_return_delay_only(counter):
    CounterSettings.objects.create(network=counter.network, return_days=7)
    counter.recharge.warranty_months = 0
    counter.recharge.save(update_fields=["warranty_months"])
    sale = sell_at(counter, Item(counter.recharge, 2))
    line = sale.lines.get()
    with pytest.raises(DomainError, match="22 janvier 2026"):
        give_back(counter, line, at=paris(2026, 1, 23, 0, 0, 1))
    give_back(counter, line, at=paris(2026, 1, 22, 23, 59))
    assert SaleReturn.objects.get().quantity == 1


def test_a_refund_never_turns_a_third_party_payment_into_cash(counter):
    ccas = PartnerFactory(network=counter.network)
    sale = sell_at(
        counter,
        counter.laptop,
        payments=[
            (PaymentMethod.CASH, Decimal("30.00")),
            {"method": PaymentMethod.THIRD_PARTY, "amount": Decimal("120.00"), "payer": ccas},
        ],
    )
    line = sale.lines.get()
    with pytest.raises(DomainError, match="payé elle-même 30,00"):
        give_back(counter, line, at=paris(2026, 1, 20), device_fate=ReturnedDeviceFate.TO_PROCESS)
    assert not SaleReturn.objects.exists()
    sale_return = give_back(
        counter,
        line,
        at=paris(2026, 1, 20),
        device_fate=ReturnedDeviceFate.TO_PROCESS,
        refund_amount=Decimal("30.00"),
    )
    assert sale_return.refund_amount == Decimal("30.00")


# --- codes and units ----------------------------------------------------------------------------


def test_a_returned_code_is_declared_defective_and_never_comes_back_to_stock(counter):
    sale = sell_at(counter, Item(counter.recharge, 2))
    line = sale.lines.get()
    on_hand = level(counter.site, counter.recharge).on_hand
    first = give_back(counter, line, at=paris(2026, 1, 16))
    sold = Voucher.objects.filter(reservation=line.reservation)
    assert sorted(sold.values_list("status", flat=True)) == [
        VoucherStatus.DEFECTIVE,
        VoucherStatus.SOLD,
    ]
    assert level(counter.site, counter.recharge).on_hand == on_hand
    assert first.device_fate == ""
    # Half the line back: its quota line still counts; the whole line back: it no longer does.
    assert first.quota_given_back is False
    second = give_back(counter, line, at=paris(2026, 1, 16))
    assert second.quota_given_back is True
    assert QuotaConsumption.objects.get(reference_id=line.pk).given_back_at is not None


def test_units_of_a_quantity_offer_come_back_into_stock(counter):
    sale = sell_at(counter, Item(counter.sim, 3))
    on_hand = level(counter.site, counter.sim).on_hand
    give_back(counter, sale.lines.get(), at=paris(2026, 1, 16), quantity=2)
    assert level(counter.site, counter.sim).on_hand == on_hand + 2


# --- exchange: a credit that pays the next sale ----------------------------------------------


def test_an_exchange_gives_a_credit_that_pays_a_new_sale_once(counter):
    sale = sell_at(counter, counter.laptop)
    sale_return = give_back(
        counter,
        sale.lines.get(),
        at=paris(2026, 1, 20),
        outcome=ReturnOutcome.EXCHANGE,
        device_fate=ReturnedDeviceFate.AFTER_SALES,
    )
    assert sale_return.credit_amount == Decimal("150.00")
    assert sale_return.refund_amount == 0 and sale_return.refund_method == ""
    with clock.frozen_at(paris(2026, 1, 20, 12)):
        returns.credit_use_check(
            actor=counter.mediator,
            sale_return=sale_return,
            beneficiary_id=counter.person.pk,
            amount=Decimal("150.00"),
        )
        new_sale = sell(
            actor=counter.mediator,
            beneficiary=counter.person,
            items=[counter.laptop],
            payments=[
                {
                    "method": PaymentMethod.CREDIT,
                    "amount": Decimal("150.00"),
                    "credit_from": sale_return,
                }
            ],
        )
    assert new_sale.payments.get().credit_from == sale_return
    assert returns.credit_left(sale_return) == 0
    with pytest.raises(DomainError, match="Il reste 0,00"):
        returns.credit_use_check(
            actor=counter.mediator,
            sale_return=sale_return,
            beneficiary_id=counter.person.pk,
            amount=Decimal("1.00"),
        )


def test_a_credit_belongs_to_its_person(counter):
    sale = sell_at(counter, counter.laptop)
    sale_return = give_back(
        counter,
        sale.lines.get(),
        at=paris(2026, 1, 20),
        outcome=ReturnOutcome.EXCHANGE,
        device_fate=ReturnedDeviceFate.TO_PROCESS,
    )
    with pytest.raises(DomainError, match="une autre personne"):
        returns.credit_use_check(
            actor=counter.mediator,
            sale_return=sale_return,
            beneficiary_id=counter.person.pk + 1000,
            amount=Decimal("10.00"),
        )


# --- refusals: nothing changes ----------------------------------------------------------------


def test_more_than_sold_or_already_returned_is_refused(counter):
    sale = sell_at(counter, Item(counter.sim, 2))
    line = sale.lines.get()
    with pytest.raises(DomainError, match="que 2 unité"):
        give_back(counter, line, at=paris(2026, 1, 16), quantity=3)
    give_back(counter, line, at=paris(2026, 1, 16), quantity=2)
    on_hand = level(counter.site, counter.sim).on_hand
    with pytest.raises(DomainError, match="déjà été rendu"):
        give_back(counter, line, at=paris(2026, 1, 16), quantity=1)
    assert SaleReturn.objects.count() == 1
    assert level(counter.site, counter.sim).on_hand == on_hand


@pytest.mark.parametrize("who", ["volunteer", "other_manager", "foreign_admin"])
def test_only_the_selling_site_takes_a_return(counter, who):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    with pytest.raises(DomainError):
        give_back(
            counter,
            line,
            at=paris(2026, 1, 20),
            actor=getattr(counter, who),
            device_fate=ReturnedDeviceFate.TO_PROCESS,
        )
    assert not SaleReturn.objects.exists()
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.DISTRIBUTED


def test_a_device_needs_its_fate_and_a_refund_its_method(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    with pytest.raises(DomainError, match="que devient l'appareil"):
        give_back(counter, line, at=paris(2026, 1, 20))
    with pytest.raises(DomainError, match="comment la personne est remboursée"):
        give_back(
            counter,
            line,
            at=paris(2026, 1, 20),
            device_fate=ReturnedDeviceFate.TO_PROCESS,
            refund_method=PaymentMethod.PASS_NUMERIQUE,
        )
    assert not SaleReturn.objects.exists()


def test_a_lent_box_and_an_unpaid_sale_are_not_returned_here(counter):
    sale = sell_at(counter, counter.box)
    with pytest.raises(DomainError, match="par son abonnement"):
        give_back(
            counter,
            sale.lines.get(),
            at=paris(2026, 1, 20),
            device_fate=ReturnedDeviceFate.TO_PROCESS,
        )
    unpaid = SaleFactory(
        site=counter.site,
        beneficiary=counter.person,
        status=SaleStatus.CONFIRMED,
        paid_at=None,
        receipt_sequence=None,
    )
    line = SaleLine.objects.create(
        sale=unpaid, offer=counter.sim, label="Carte SIM", unit_price=1, unit_market_price=10
    )
    with pytest.raises(DomainError, match="achat payé"):
        give_back(counter, line, at=paris(2026, 1, 20))
    assert not SaleReturn.objects.exists()


# --- PostgreSQL: two returns of one line at once ------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_returns_of_the_same_line_at_once_give_one(counter):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()

    def attempt():
        give_back(counter, line, at=paris(2026, 1, 20), device_fate=ReturnedDeviceFate.TO_PROCESS)

    outcomes = run_together([attempt, attempt])
    assert sorted(outcomes) == ["done", "refused"]
    assert SaleReturn.objects.filter(line=line).count() == 1
    assert Device.objects.get(pk=line.device_id).status == DeviceStatus.TO_PROCESS


# --- pages --------------------------------------------------------------------------------------


def test_a_return_from_the_page(counter, login):
    sale = sell_at(counter, counter.laptop)
    line = sale.lines.get()
    client = login(counter.mediator)
    url = reverse("sales:return_create", kwargs={"sale_id": sale.pk})
    sale_page = client.get(reverse("sales:sale_detail", kwargs={"pk": sale.pk}))
    assert url in sale_page.content.decode()  # « Retour ou échange » on the paid sale
    with clock.frozen_at(paris(2026, 1, 20)):
        page = client.get(url)
        assert page.status_code == 200
        assert "15 janvier 2027" in page.content.decode()  # the warranty's end
        assert JournalEntry.objects.filter(action="sale_return.sale_viewed").count() == 1
        refused = client.post(
            url, {"line": line.pk, "quantity": 1, "outcome": "refund", "reason": "Écran noir."}
        )
        assert refused.status_code == 400
        assert "Choisissez comment la personne est remboursée." in refused.content.decode()
        response = client.post(
            url,
            {
                "line": line.pk,
                "quantity": 1,
                "outcome": "exchange",
                "device_fate": "after_sales",
                "reason": "Écran noir.",
            },
        )
    sale_return = SaleReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:return_detail", kwargs={"pk": sale_return.pk})
    detail = client.get(response["Location"]).content.decode()
    assert "150,00" in detail and "SAV" in detail
    again = client.get(url).content.decode()
    assert "Tout cet achat a déjà été rendu." in again
    slip = pdf_pages(client.get(reverse("sales:return_slip_pdf", kwargs={"pk": sale_return.pk})))
    assert "Avoir pour un échange : 150,00" in slip[0]
    assert counter.person.last_name in slip[0] and sale.receipt_number in slip[0]
    assert JournalEntry.objects.filter(action="sale_return.slip_printed").count() == 1


def test_another_site_gets_a_404_on_the_return_page(counter, login):
    sale = sell_at(counter, counter.laptop)
    client = login(counter.other_manager)
    url = reverse("sales:return_create", kwargs={"sale_id": sale.pk})
    assert client.get(url).status_code == 404


def test_an_unpaid_sale_sends_back_to_its_page(counter, login):
    unpaid = SaleFactory(
        site=counter.site,
        beneficiary=counter.person,
        status=SaleStatus.CART,
        paid_at=None,
        receipt_sequence=None,
    )
    client = login(counter.mediator)
    url = reverse("sales:return_create", kwargs={"sale_id": unpaid.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:sale_detail", kwargs={"pk": unpaid.pk})


def test_the_list_of_returns_reads_as_many_queries_for_1_or_3_rows(
    counter, login, django_assert_max_num_queries
):
    sale = sell_at(counter, Item(counter.sim, 3), Item(counter.recharge, 3))
    sim, recharge = sale.lines.order_by("pk")
    give_back(counter, sim, at=paris(2026, 1, 16))
    client = login(counter.mediator)
    url = reverse("sales:return_list")
    with django_assert_max_num_queries(25) as one:
        client.get(url)
    give_back(counter, sim, at=paris(2026, 1, 16))
    give_back(counter, recharge, at=paris(2026, 1, 16))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert "3 retours" in page.content.decode()
