"""The daily cash closing: expected amounts from a known day's sales and refunds, counted
amounts, float, deposit, discrepancy with its comment, one closing per site and day."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tests.accounts.factories import PartnerFactory
from tests.helpers import run_together
from tests.sales.factories import CashClosingFactory, Item, sell
from tests.sales.helpers import paris
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.sales import cash, returns
from tisser.sales.enums import PaymentMethod, ReturnOutcome
from tisser.sales.models import CashClosing

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)
CLOSING_TIME = paris(2026, 3, 10, 18)


def counted(cash_=Decimal("0"), card=Decimal("0"), cheque=Decimal("0"), pass_=Decimal("0")):
    return {
        PaymentMethod.CASH: cash_,
        PaymentMethod.CARD: card,
        PaymentMethod.CHEQUE: cheque,
        PaymentMethod.PASS_NUMERIQUE: pass_,
    }


def a_known_day(counter):
    """The 10th of March: a laptop (card + Pass numérique), two recharges (cash), three SIM
    cards (1 € in cash, a CCAS pays the rest), one SIM refunded in cash; sales the day before, the day after and
    at another site do not count."""
    ccas = PartnerFactory(network=counter.network, name="CCAS de la ville")
    mediator = counter.mediator
    with clock.frozen_at(paris(2026, 3, 9, 23, 30)):
        sell(actor=mediator, beneficiary=counter.person, items=[Item(counter.sim, 1)])
    with clock.frozen_at(paris(2026, 3, 10, 9, 5)):
        sell(
            actor=mediator,
            beneficiary=counter.person,
            items=[counter.laptop],
            payments=[
                (PaymentMethod.CARD, Decimal("100.00")),
                {
                    "method": PaymentMethod.PASS_NUMERIQUE,
                    "amount": Decimal("50.00"),
                    "pass_numbers": ["PN-1", "PN-2", "PN-3", "PN-4", "PN-5"],
                },
            ],
        )
    with clock.frozen_at(paris(2026, 3, 10, 11)):
        sell(actor=mediator, beneficiary=counter.person, items=[Item(counter.recharge, 2)])
    with clock.frozen_at(paris(2026, 3, 10, 23, 30)):
        sims = sell(
            actor=mediator,
            beneficiary=counter.person,
            items=[Item(counter.sim, 3)],
            payments=[
                (PaymentMethod.CASH, Decimal("1.00")),
                {"method": PaymentMethod.THIRD_PARTY, "amount": Decimal("2.00"), "payer": ccas},
            ],
        )
    with clock.frozen_at(paris(2026, 3, 10, 23, 45)):
        returns.sale_return_record(
            actor=mediator,
            line=sims.lines.get(),
            quantity=1,
            outcome=ReturnOutcome.REFUND,
            reason="Carte abîmée.",
            refund_method=PaymentMethod.CASH,
        )
    with clock.frozen_at(paris(2026, 3, 11, 0, 10)):
        sell(actor=mediator, beneficiary=counter.person, items=[Item(counter.sim, 1)])


def test_the_expected_amounts_of_a_known_day(counter):
    a_known_day(counter)
    expected = cash.expected_amounts(counter.site, DAY)
    assert expected == {
        PaymentMethod.CASH: Decimal("10.00"),  # 2 recharges at 5 €, 1 € for a SIM, 1 € refunded
        PaymentMethod.CARD: Decimal("100.00"),
        PaymentMethod.CHEQUE: Decimal("0.00"),
        PaymentMethod.THIRD_PARTY: Decimal("2.00"),
        PaymentMethod.PASS_NUMERIQUE: Decimal("50.00"),
        PaymentMethod.CREDIT: Decimal("0.00"),
    }
    assert cash.expected_amounts(counter.other_site, DAY)[PaymentMethod.CASH] == 0


def test_a_balanced_closing_keeps_the_float_for_the_next_day(counter):
    a_known_day(counter)
    CashClosingFactory(site=counter.site, day=DAY - datetime.timedelta(days=3), closing_float=50)
    with clock.frozen_at(CLOSING_TIME):
        closing = cash.cash_closing_record(
            actor=counter.manager,
            site=counter.site,
            day=DAY,
            counted=counted(Decimal("60.00"), Decimal("100.00"), pass_=Decimal("50.00")),
            bank_deposit=Decimal("10.00"),
        )
    assert closing.opening_float == Decimal("50.00"), "the float the last closing left"
    assert closing.discrepancy == 0 and closing.comment == ""
    assert closing.closing_float == Decimal("50.00")
    assert closing.expected[PaymentMethod.CASH] == "10.00"
    assert closing.counted[PaymentMethod.CARD] == "100.00"
    entry = JournalEntry.objects.get(action="cash_closing.recorded")
    assert entry.site_id == counter.site.pk and entry.payload["day"] == "2026-03-10"
    assert cash.previous_float(counter.site, DAY + datetime.timedelta(days=1)) == Decimal("50.00")


def test_a_discrepancy_needs_a_comment(counter):
    a_known_day(counter)
    missing = counted(Decimal("8.00"), Decimal("100.00"), pass_=Decimal("50.00"))
    with clock.frozen_at(CLOSING_TIME):
        with pytest.raises(DomainError, match="écart de -2,00"):
            cash.cash_closing_record(
                actor=counter.manager,
                site=counter.site,
                day=DAY,
                counted=missing,
                bank_deposit=Decimal("0"),
            )
        assert not CashClosing.objects.exists()
        closing = cash.cash_closing_record(
            actor=counter.manager,
            site=counter.site,
            day=DAY,
            counted=missing,
            bank_deposit=Decimal("0"),
            comment="Rendu de monnaie erroné.",
        )
    assert closing.discrepancy == Decimal("-2.00")
    assert closing.closing_float == Decimal("8.00")


def test_differences_that_cancel_out_still_need_a_comment(counter):
    a_known_day(counter)
    with clock.frozen_at(CLOSING_TIME), pytest.raises(DomainError, match="expliquez"):
        cash.cash_closing_record(
            actor=counter.manager,
            site=counter.site,
            day=DAY,
            counted=counted(Decimal("20.00"), Decimal("90.00"), pass_=Decimal("50.00")),
            bank_deposit=Decimal("0"),
        )


def test_another_opening_float_than_the_one_left_needs_a_comment(counter):
    with clock.frozen_at(CLOSING_TIME):
        with pytest.raises(DomainError, match="n'est pas celui laissé"):
            cash.cash_closing_record(
                actor=counter.manager,
                site=counter.site,
                day=DAY,
                counted=counted(Decimal("80.00")),
                bank_deposit=Decimal("0"),
                opening_float=Decimal("80.00"),
            )
        closing = cash.cash_closing_record(
            actor=counter.manager,
            site=counter.site,
            day=DAY,
            counted=counted(Decimal("80.00")),
            bank_deposit=Decimal("30.00"),
            opening_float=Decimal("80.00"),
            comment="Fond de caisse complété par la trésorière.",
        )
    assert closing.closing_float == Decimal("50.00")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"day": DAY + datetime.timedelta(days=1)}, "à venir"),
        ({"day": DAY - datetime.timedelta(days=40)}, "dans les 31 jours"),
        ({"bank_deposit": Decimal("10.00")}, "dépasse les espèces"),
        ({"counted": {PaymentMethod.CREDIT: Decimal("1")}}, "se comptent"),
        ({"counted": counted(Decimal("-1"))}, "de 0 à"),
    ],
)
def test_impossible_closings_are_refused(counter, change, message):
    arguments = {
        "actor": counter.manager,
        "site": counter.site,
        "day": DAY,
        "counted": counted(),
        "bank_deposit": Decimal("0"),
        **change,
    }
    with clock.frozen_at(CLOSING_TIME), pytest.raises(DomainError, match=message):
        cash.cash_closing_record(**arguments)
    assert not CashClosing.objects.exists()


@pytest.mark.parametrize("who", ["mediator", "volunteer", "other_manager", "foreign_admin"])
def test_only_a_manager_of_the_site_closes(counter, who):
    with clock.frozen_at(CLOSING_TIME), pytest.raises(DomainError):
        cash.cash_closing_record(
            actor=getattr(counter, who),
            site=counter.site,
            day=DAY,
            counted=counted(),
            bank_deposit=Decimal("0"),
        )
    assert not CashClosing.objects.exists()


def test_a_day_is_closed_once(counter):
    with clock.frozen_at(CLOSING_TIME):
        cash.cash_closing_record(
            actor=counter.manager,
            site=counter.site,
            day=DAY,
            counted=counted(),
            bank_deposit=Decimal("0"),
        )
        with pytest.raises(DomainError, match="déjà clôturée"):
            cash.cash_closing_record(
                actor=counter.admin,
                site=counter.site,
                day=DAY,
                counted=counted(),
                bank_deposit=Decimal("0"),
            )
    assert CashClosing.objects.count() == 1


# --- pages --------------------------------------------------------------------------------------


def test_the_manager_closes_the_day_from_the_page(counter, login):
    a_known_day(counter)
    client = login(counter.manager)
    url = reverse("sales:cash_close", kwargs={"site_id": counter.site.pk})
    with clock.frozen_at(CLOSING_TIME):
        page = client.get(url)
        assert page.status_code == 200
        assert "100,00" in page.content.decode()  # the card slips expected
        bad = client.post(url, {"day": "2026-03-10", "counted_cash": "abc"})
        assert bad.status_code == 400
        assert "Écrivez un montant en euros" in bad.content.decode()
        assert not CashClosing.objects.exists()
        response = client.post(
            url,
            {
                "day": "2026-03-10",
                "opening_float": "0",
                "counted_cash": "10,00",
                "counted_card": "100",
                "counted_cheque": "0",
                "counted_pass_numerique": "50",
                "bank_deposit": "10",
                "comment": "",
            },
        )
    closing = CashClosing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:cash_detail", kwargs={"pk": closing.pk})
    detail = client.get(response["Location"])
    assert "Caisse du 10 mars 2026" in detail.content.decode()


def test_a_mediator_sees_the_closings_but_does_not_close(counter, login):
    CashClosingFactory(site=counter.site)
    client = login(counter.mediator)
    assert client.get(reverse("sales:cash_list")).status_code == 200
    url = reverse("sales:cash_close", kwargs={"site_id": counter.site.pk})
    assert client.get(url).status_code == 403


def test_the_list_of_closings_reads_as_many_queries_for_1_or_30_rows(
    counter, login, django_assert_max_num_queries
):
    CashClosingFactory(site=counter.site, day=DAY)
    client = login(counter.manager)
    url = reverse("sales:cash_list")
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for index in range(1, 30):
        CashClosingFactory(site=counter.site, day=DAY - datetime.timedelta(days=index))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert "30 clôtures" in page.content.decode()


# --- PostgreSQL: two closings of one site and day at once ---------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_closings_of_the_same_day_at_once_give_one(counter):
    def attempt():
        with clock.frozen_at(CLOSING_TIME):
            cash.cash_closing_record(
                actor=counter.manager,
                site=counter.site,
                day=DAY,
                counted=counted(),
                bank_deposit=Decimal("0"),
            )

    assert sorted(run_together([attempt, attempt])) == ["done", "refused"]
    assert CashClosing.objects.filter(site=counter.site, day=DAY).count() == 1
