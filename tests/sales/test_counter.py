"""The counter sale's services: cart, confirmation (right, quotas, stock, prices),
payment (methods, exact total, receipt numbering, warranty), cancellation, expiry, and a
paid sale that nothing changes."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import PartnerFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.factories import OfferFactory
from tests.offers.stock_helpers import assert_ledger_agrees, level
from tests.sales.counter_helpers import cart, cash, person_with_right, sell, stock
from tests.sales.helpers import paris
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.scheduler import registered_jobs, run_due_jobs
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DeviceStatus, Grade, ReservationStatus, VoucherStatus
from tisser.offers.models import Voucher
from tisser.sales import boxes, counter, returns
from tisser.sales.counter import PaymentInput
from tisser.sales.enums import PaymentMethod, ReturnOutcome, SaleStatus, VatRegime
from tisser.sales.models import (
    BoxSubscription,
    CounterSettings,
    PassNumeriqueUse,
    Payment,
    QuotaConsumption,
    Sale,
)
from tisser.sales.quotas import Override

pytestmark = pytest.mark.django_db


def _actions(sale):
    return list(
        JournalEntry.objects.filter(object_type="sales.sale", object_id=str(sale.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- cart ---------------------------------------------------------------------------------


def test_one_open_cart_per_person_and_site(team, offers):
    person = person_with_right(team.site)
    first = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    again = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    assert first.pk == again.pk
    assert first.status == SaleStatus.CART
    assert _actions(first) == ["sale.started"]


def test_a_file_of_another_site_or_a_volunteer_cannot_start_a_sale(team):
    person = person_with_right(team.other_site)
    with pytest.raises(DomainError):
        counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    with pytest.raises(DomainError) as refused:
        counter.sale_start(actor=team.volunteer, beneficiary=person, site=team.other_site)
    assert "rôle" in refused.value.message
    assert not Sale.objects.exists()


def test_cart_add_takes_the_chosen_device_or_the_first_of_the_grade(team, offers):
    person = person_with_right(team.site)
    b_device = stock(team.site, offers.laptop, grade=Grade.B)[0]
    a_devices = stock(team.site, offers.laptop, 2, grade=Grade.A)
    sale = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    line = counter.cart_add(actor=team.mediator, sale=sale, offer=offers.laptop, grade=Grade.A)
    assert line.device == a_devices[0]
    assert a_devices[0].inventory_id in line.label
    chosen = counter.cart_add(actor=team.mediator, sale=sale, offer=offers.laptop, device=b_device)
    assert chosen.device == b_device
    # The same device twice, a quantity of laptops: refused in French.
    with pytest.raises(DomainError, match="déjà dans le panier"):
        counter.cart_add(actor=team.mediator, sale=sale, offer=offers.laptop, device=b_device)
    with pytest.raises(DomainError, match="à l'unité"):
        counter.cart_add(actor=team.mediator, sale=sale, offer=offers.laptop, quantity=2)
    assert sale.lines.count() == 2


def test_cart_add_says_plus_en_stock_when_nothing_is_left(team, offers):
    person = person_with_right(team.site)
    sale = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    with pytest.raises(DomainError) as refused:
        counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)
    assert refused.value.message == "Plus en stock : « Recharge 5 € » à cet espace."
    stock(team.site, offers.recharge5, 2)
    counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)
    line = counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)
    assert line.quantity == 2  # the same offer adds to its line
    with pytest.raises(DomainError, match="il reste 2"):
        counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)


def test_cart_remove_only_while_a_cart(team, offers):
    person = person_with_right(team.site)
    stock(team.site, offers.recharge5, 1)
    sale = counter.sale_start(actor=team.mediator, beneficiary=person, site=team.site)
    line = counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)
    counter.cart_remove(actor=team.mediator, line=line)
    assert not sale.lines.exists()
    line = counter.cart_add(actor=team.mediator, sale=sale, offer=offers.recharge5)
    counter.sale_confirm(actor=team.mediator, sale=sale)
    with pytest.raises(DomainError, match="déjà confirmé"):
        counter.cart_remove(actor=team.mediator, line=line)
    assert sale.lines.count() == 1


# --- confirmation -------------------------------------------------------------------------


def test_confirm_reserves_takes_quotas_and_freezes_prices(team, offers, rules, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    CounterSettings.objects.create(network=team.site.network, hold_minutes=20)
    person = person_with_right(team.site)
    laptop = stock(team.site, offers.laptop)[0]
    stock(team.site, offers.recharge5, 3)
    sale = cart(team.mediator, person, laptop, (offers.recharge5, 2))
    # The catalogue changes after the cart: confirmation takes today's price.
    offers.laptop.solidarity_price = Decimal("140.00")
    offers.laptop.save()
    sale = counter.sale_confirm(actor=team.mediator, sale=sale)
    assert sale.status == SaleStatus.CONFIRMED
    assert sale.reserved_until == paris(2026, 5, 4, 10, 20)
    assert sale.total_price == Decimal("144.00")  # 140 + 2 × 2
    assert sale.total_market == Decimal("360.00")  # 350 + 2 × 5
    assert sale.access_right is not None
    lines = list(sale.lines.order_by("pk"))
    assert [line.reservation.status for line in lines] == [ReservationStatus.ACTIVE] * 2
    laptop.refresh_from_db()
    assert laptop.status == DeviceStatus.RESERVED
    assert Voucher.objects.filter(status=VoucherStatus.RESERVED).count() == 2
    consumed = QuotaConsumption.objects.filter(beneficiary=person)
    assert sorted(consumed.values_list("reference_id", flat=True)) == [line.pk for line in lines]
    assert set(consumed.values_list("reference_kind", flat=True)) == {"sale_line"}
    assert _actions(sale)[-1] == "sale.confirmed"


def test_confirm_refuses_without_an_active_right_and_changes_nothing(team, offers):
    person = BeneficiaryFactory(site=team.site)
    stock(team.site, offers.laptop)
    sale = cart(team.mediator, person, offers.laptop)
    with pytest.raises(DomainError) as refused:
        counter.sale_confirm(actor=team.mediator, sale=sale)
    assert "demande un droit d'accès solidaire actif" in refused.value.message
    assert "aucun droit" in refused.value.message
    sale.refresh_from_db()
    assert sale.status == SaleStatus.CART
    assert not QuotaConsumption.objects.exists()
    assert level(team.site, offers.laptop).reserved == 0


def test_an_offer_without_right_requirement_sells_without_a_right(team, offers):
    offers.sim.requires_access_right = False
    offers.sim.save()
    person = BeneficiaryFactory(site=team.site)
    stock(team.site, offers.sim, 5)
    sale = sell(team.mediator, person, (offers.sim, 2))
    assert sale.status == SaleStatus.PAID
    assert level(team.site, offers.sim).on_hand == 3


def test_a_second_laptop_for_the_household_is_refused_with_the_rule_and_nothing_held(
    team, offers, rules
):
    person = person_with_right(team.site)
    stock(team.site, offers.laptop, 2)
    sell(team.mediator, person, offers.laptop)
    sale = cart(team.mediator, person, offers.laptop)
    with pytest.raises(DomainError) as refused:
        counter.sale_confirm(actor=team.mediator, sale=sale)
    assert refused.value.message.startswith(
        "Un ordinateur portable par foyer tous les 3 ans : déjà acheté le"
    )
    assert level(team.site, offers.laptop).reserved == 0
    assert QuotaConsumption.objects.filter(beneficiary=person).count() == 1


def test_a_site_manager_override_lets_the_sale_through_with_its_reason(team, offers, rules):
    person = person_with_right(team.site)
    stock(team.site, offers.laptop, 2)
    sell(team.mediator, person, offers.laptop)
    sale = cart(team.mediator, person, offers.laptop)
    with pytest.raises(DomainError, match="responsable"):
        counter.sale_confirm(
            actor=team.mediator, sale=sale, override=Override(team.mediator, "Vol déclaré")
        )
    sale = counter.sale_confirm(
        actor=team.mediator, sale=sale, override=Override(team.manager, "Vol déclaré")
    )
    assert sale.status == SaleStatus.CONFIRMED
    row = QuotaConsumption.objects.get(reference_id=sale.lines.get().pk)
    assert row.overridden and row.override_reason == "Vol déclaré"
    assert row.override_by == team.manager.user
    entry = JournalEntry.objects.filter(action="sale.confirmed", object_id=str(sale.pk)).get()
    assert entry.payload["overridden"] is True


def test_a_device_taken_meanwhile_is_replaced_by_another_of_its_grade(team, offers):
    person, other = person_with_right(team.site), person_with_right(team.site)
    devices = stock(team.site, offers.laptop, 2)
    first = cart(team.mediator, person, devices[0])
    second = cart(team.mediator, other, devices[0])
    counter.sale_confirm(actor=team.mediator, sale=first)
    counter.sale_confirm(actor=team.mediator, sale=second)
    assert second.lines.get().device == devices[1]
    assert level(team.site, offers.laptop).reserved == 2


def test_the_last_unit_gone_gives_plus_en_stock_at_confirmation(team, offers):
    person, other = person_with_right(team.site), person_with_right(team.site)
    device = stock(team.site, offers.laptop)[0]
    stock(team.site, offers.recharge5, 1)
    first = cart(team.mediator, person, device, offers.recharge5)
    second = cart(team.mediator, other, device)
    third = cart(team.mediator, person_with_right(team.site), offers.recharge5)
    counter.sale_confirm(actor=team.mediator, sale=first)
    with pytest.raises(DomainError) as refused:
        counter.sale_confirm(actor=team.mediator, sale=second)
    assert refused.value.message.startswith("Plus en stock : « ")
    with pytest.raises(DomainError, match=r"^Plus en stock : « Recharge 5 € »"):
        counter.sale_confirm(actor=team.mediator, sale=third)
    second.refresh_from_db()
    assert second.status == SaleStatus.CART
    assert not QuotaConsumption.objects.filter(reference_id__in=[second.lines.get().pk]).exists()


# --- payment ------------------------------------------------------------------------------


def test_pay_sells_numbers_the_receipt_and_sets_the_warranty(team, offers, rules, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    person = person_with_right(team.site)
    laptop = stock(team.site, offers.laptop)[0]
    stock(team.site, offers.recharge5, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person, laptop, offers.recharge5)
    )
    sale = counter.sale_pay(
        actor=team.mediator,
        sale=sale,
        payments=[
            PaymentInput(method=PaymentMethod.CARD, amount=Decimal("100.00"), reference="A123"),
            PaymentInput(method=PaymentMethod.CASH, amount=Decimal("52.00")),
        ],
    )
    assert sale.status == SaleStatus.PAID
    assert sale.receipt_number == f"{team.site.short_code}-2026-00001"
    assert sale.vat_mention == "TVA non applicable, art. 293 B du CGI"
    assert sale.paid_by == team.mediator.user
    laptop.refresh_from_db()
    assert laptop.status == DeviceStatus.DISTRIBUTED
    assert Voucher.objects.get(offer=offers.recharge5).status == VoucherStatus.SOLD
    line = sale.lines.get(offer=offers.laptop)
    assert line.warranty_until == datetime.date(2027, 5, 4)
    assert sorted(Payment.objects.filter(sale=sale).values_list("method", flat=True)) == [
        "card",
        "cash",
    ]
    assert_ledger_agrees(team.site, offers.laptop)
    assert_ledger_agrees(team.site, offers.recharge5)
    assert _actions(sale)[-1] == "sale.paid"


def test_receipt_numbers_follow_per_site_and_restart_each_year(team, offers, fake_clock):
    stock(team.site, offers.sim, 5)
    stock(team.other_site, offers.sim, 5)
    fake_clock.set(paris(2026, 12, 31, 18))
    numbers = [sell(team.mediator, person_with_right(team.site), offers.sim).receipt_number]
    numbers.append(sell(team.mediator, person_with_right(team.site), offers.sim).receipt_number)
    numbers.append(sell(team.admin, person_with_right(team.other_site), offers.sim).receipt_number)
    fake_clock.set(paris(2027, 1, 1, 9))
    numbers.append(sell(team.mediator, person_with_right(team.site), offers.sim).receipt_number)
    code, other = team.site.short_code, team.other_site.short_code
    assert numbers == [
        f"{code}-2026-00001",
        f"{code}-2026-00002",
        f"{other}-2026-00001",
        f"{code}-2027-00001",
    ]


def test_the_vat_mention_and_the_seller_are_frozen_at_payment(team, offers):
    settings = CounterSettings.objects.create(
        network=team.site.network,
        vat_regime=VatRegime.MARGIN,
        legal_name="Recyclerie solidaire",
        siret="12345678901234",
    )
    stock(team.site, offers.sim, 2)
    sale = sell(team.mediator, person_with_right(team.site), offers.sim)
    assert sale.vat_mention.startswith("Régime particulier – Biens d'occasion")
    settings.vat_regime = VatRegime.FRANCHISE
    settings.legal_name = "Nouveau nom"
    settings.save()
    sale.refresh_from_db()
    assert sale.vat_mention.startswith("Régime particulier – Biens d'occasion")
    assert sale.seller == {
        "legal_name": "Recyclerie solidaire",
        "siret": "12345678901234",
        "address": "",
    }


@pytest.mark.parametrize(
    ("payments", "message"),
    [
        ([PaymentInput(method=PaymentMethod.CASH, amount=Decimal("0.50"))], "total à payer"),
        ([PaymentInput(method=PaymentMethod.CASH, amount=Decimal("-2"))], "montant positif"),
        ([PaymentInput(method=PaymentMethod.CASH, amount=Decimal("1.001"))], "centime"),
        ([PaymentInput(method="bitcoin", amount=Decimal("2.00"))], "n'existe pas"),
        ([PaymentInput(method=PaymentMethod.THIRD_PARTY, amount=Decimal("2.00"))], "partenaire"),
        (
            [PaymentInput(method=PaymentMethod.PASS_NUMERIQUE, amount=Decimal("2.00"))],
            "numéro de chaque chèque",
        ),
        ([PaymentInput(method=PaymentMethod.CREDIT, amount=Decimal("2.00"))], "retour"),
        ([], "au moins un paiement"),
    ],
)
def test_bad_payments_are_refused_in_french_and_change_nothing(team, offers, payments, message):
    stock(team.site, offers.sim, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    with pytest.raises(DomainError, match=message):
        counter.sale_pay(actor=team.mediator, sale=sale, payments=payments)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.CONFIRMED
    assert not Payment.objects.exists()
    assert level(team.site, offers.sim).reserved == 1


def test_third_party_and_pass_numerique_pay_together(team, offers, partner):
    stock(team.site, offers.laptop, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.laptop)
    )
    foreign = PartnerFactory(network=team.foreign_site.network)
    wrong = [
        PaymentInput(method=PaymentMethod.THIRD_PARTY, amount=Decimal("150.00"), payer=foreign)
    ]
    with pytest.raises(DomainError, match="partenaire actif du réseau"):
        counter.sale_pay(actor=team.mediator, sale=sale, payments=wrong)
    sale = counter.sale_pay(
        actor=team.mediator,
        sale=sale,
        payments=[
            PaymentInput(
                method=PaymentMethod.THIRD_PARTY,
                amount=Decimal("130.00"),
                payer=partner,
                reference="BC-2026-17",
            ),
            PaymentInput(
                method=PaymentMethod.PASS_NUMERIQUE,
                amount=Decimal("20.00"),
                pass_numbers=["PN 0001 2345", "PN00012346"],
            ),
        ],
    )
    assert sale.status == SaleStatus.PAID
    assert sorted(PassNumeriqueUse.objects.values_list("number", flat=True)) == [
        "PN00012345",
        "PN00012346",
    ]


def test_a_pass_numerique_number_is_used_once_per_network(team, offers):
    stock(team.site, offers.sim, 2)
    pay = [
        PaymentInput(
            method=PaymentMethod.PASS_NUMERIQUE, amount=Decimal("1.00"), pass_numbers=["PN77"]
        )
    ]
    first = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    counter.sale_pay(actor=team.mediator, sale=first, payments=pay)
    second = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    with pytest.raises(DomainError, match="PN77 a déjà été utilisé"):
        counter.sale_pay(actor=team.mediator, sale=second, payments=pay)
    with pytest.raises(DomainError, match="saisi deux fois"):
        counter.sale_pay(
            actor=team.mediator,
            sale=second,
            payments=[
                PaymentInput(
                    method=PaymentMethod.PASS_NUMERIQUE,
                    amount=Decimal("1.00"),
                    pass_numbers=["PN78", "pn78"],
                )
            ],
        )
    second.refresh_from_db()
    assert second.status == SaleStatus.CONFIRMED


def test_pay_after_the_hold_ended_is_refused(team, offers, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    stock(team.site, offers.sim, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    fake_clock.set(paris(2026, 5, 4, 10, 31))
    with pytest.raises(DomainError, match="réservation du stock a pris fin"):
        counter.sale_pay(actor=team.mediator, sale=sale, payments=cash("1.00"))


# --- a paid sale never changes ------------------------------------------------------------


def test_every_service_refuses_to_change_a_paid_sale(team, offers):
    stock(team.site, offers.sim, 3)
    sale = sell(team.mediator, person_with_right(team.site), offers.sim)
    line = sale.lines.get()
    refusals = [
        lambda: counter.cart_add(actor=team.mediator, sale=sale, offer=offers.sim),
        lambda: counter.cart_remove(actor=team.mediator, line=line),
        lambda: counter.sale_confirm(actor=team.mediator, sale=sale),
        lambda: counter.sale_pay(actor=team.mediator, sale=sale, payments=cash("1.00")),
        lambda: counter.sale_cancel(actor=team.manager, sale=sale, reason="Erreur"),
    ]
    for attempt in refusals:
        with pytest.raises(DomainError, match="payée : elle ne change plus"):
            attempt()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert sale.lines.count() == 1 and Payment.objects.filter(sale=sale).count() == 1
    assert level(team.site, offers.sim).on_hand == 2


# --- cancel and expire --------------------------------------------------------------------


def test_cancel_releases_the_stock_and_deletes_the_quota_lines(team, offers, rules):
    person = person_with_right(team.site)
    laptop = stock(team.site, offers.laptop)[0]
    sale = counter.sale_confirm(actor=team.mediator, sale=cart(team.mediator, person, laptop))
    with pytest.raises(DomainError, match="pourquoi"):
        counter.sale_cancel(actor=team.mediator, sale=sale, reason="  ")
    sale = counter.sale_cancel(actor=team.mediator, sale=sale, reason="La personne renonce")
    assert sale.status == SaleStatus.CANCELLED
    laptop.refresh_from_db()
    assert laptop.status == DeviceStatus.READY_TO_DISTRIBUTE
    assert not QuotaConsumption.objects.filter(beneficiary=person).exists()
    assert level(team.site, offers.laptop).reserved == 0
    entry = JournalEntry.objects.filter(action="sale.cancelled").get()
    assert entry.reason == "La personne renonce"
    # The laptop is free for someone else, and this person may buy one again.
    sell(team.mediator, person, offers.laptop)


def test_sales_expire_ends_confirmed_sales_past_their_hold(team, offers, rules, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    stock(team.site, offers.recharge5, 2)
    late = counter.sale_confirm(
        actor=team.mediator,
        sale=cart(team.mediator, person_with_right(team.site), offers.recharge5),
    )
    fake_clock.set(paris(2026, 5, 4, 10, 25))
    fresh = counter.sale_confirm(
        actor=team.mediator,
        sale=cart(team.mediator, person_with_right(team.site), offers.recharge5),
    )
    assert counter.sales_expire(now=paris(2026, 5, 4, 10, 31)) == 1
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert (late.status, fresh.status) == (SaleStatus.EXPIRED, SaleStatus.CONFIRMED)
    assert not QuotaConsumption.objects.filter(reference_id=late.lines.get().pk).exists()
    assert level(team.site, offers.recharge5).reserved == 1
    assert JournalEntry.objects.filter(action="sale.expired").count() == 1
    assert counter.sales_expire(now=paris(2026, 5, 4, 10, 32)) == 0


# --- settings -----------------------------------------------------------------------------


def test_only_the_network_admin_sets_the_counter(team):
    with pytest.raises(DomainError):
        counter.counter_settings_update(actor=team.manager, data={"hold_minutes": 10})
    with pytest.raises(DomainError, match="14 chiffres"):
        counter.counter_settings_update(actor=team.admin, data={"siret": "123"})
    assert not CounterSettings.objects.exists()
    settings = counter.counter_settings_update(
        actor=team.admin,
        data={"legal_name": "Association Tisser", "hold_minutes": 45, "siret": "12345678901234"},
    )
    assert settings.hold_minutes == 45
    entry = JournalEntry.objects.get(action="counter_settings.updated")
    assert sorted(entry.payload["fields"]) == ["hold_minutes", "legal_name", "siret"]


# --- with the after-sale services (returns, boxes) ------------------------------------------


def test_an_exchange_credit_pays_the_next_sale_once(team, offers):
    person = person_with_right(team.site)
    stock(team.site, offers.sim, 3)
    first = sell(team.mediator, person, (offers.sim, 2))
    credit = returns.sale_return_record(
        actor=team.mediator,
        line=first.lines.get(),
        quantity=2,
        outcome=ReturnOutcome.EXCHANGE,
        reason="Cartes défectueuses",
    )
    assert credit.credit_amount == Decimal("2.00")
    sale = counter.sale_confirm(actor=team.mediator, sale=cart(team.mediator, person, offers.sim))
    use = [PaymentInput(method=PaymentMethod.CREDIT, amount=Decimal("1.00"), credit_from=credit)]
    counter.sale_pay(actor=team.mediator, sale=sale, payments=use)
    assert Payment.objects.get(sale=sale).credit_from == credit
    # 1 € left: a payment of more is refused; another person cannot use it.
    other = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    with pytest.raises(DomainError, match="autre personne"):
        counter.sale_pay(actor=team.mediator, sale=other, payments=use)


def test_a_lent_box_sold_at_the_counter_opens_its_subscription(team, offers, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    box = OfferFactory(
        network=team.site.network,
        family=OfferFamily.BOX,
        name="Box internet prêtée",
        solidarity_price=Decimal("10.00"),
        market_price=Decimal("60.00"),
        monthly_price=Decimal("10.00"),
        allowed_grades=[],
    )
    stock(team.site, box, 1)
    person = person_with_right(team.site)
    sale = sell(team.mediator, person, box)
    subscription = BoxSubscription.objects.get(opening_line__sale=sale)
    assert subscription.beneficiary == person
    assert subscription.starts_on == datetime.date(2026, 5, 4)
    # Its monthly fees are sold through the counter too: a sale without stock or quota.
    fees = boxes.fee_sale_create(
        actor=team.mediator, subscription=subscription, months=[datetime.date(2026, 5, 4)]
    )
    paid = counter.sale_pay(actor=team.mediator, sale=fees, payments=cash("10.00"))
    assert paid.status == SaleStatus.PAID
    assert paid.receipt_number.endswith("-2026-00002")


def test_a_free_box_is_paid_with_no_payment_line(team, offers):
    box = OfferFactory(
        network=team.site.network,
        family=OfferFamily.BOX,
        name="Box internet prêtée gratuitement",
        solidarity_price=Decimal("0.00"),
        market_price=Decimal("60.00"),
        monthly_price=Decimal("10.00"),
        allowed_grades=[],
    )
    stock(team.site, box, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), box)
    )
    with pytest.raises(DomainError, match="total à payer"):
        counter.sale_pay(actor=team.mediator, sale=sale, payments=cash("1.00"))
    sale = counter.sale_pay(actor=team.mediator, sale=sale, payments=[])
    assert sale.status == SaleStatus.PAID and not sale.payments.exists()
    assert BoxSubscription.objects.filter(opening_line__sale=sale).exists()


def test_the_expiry_job_is_scheduled_every_five_minutes(team, offers, fake_clock):
    fake_clock.set(paris(2026, 5, 4, 10))
    stock(team.site, offers.sim, 1)
    sale = counter.sale_confirm(
        actor=team.mediator, sale=cart(team.mediator, person_with_right(team.site), offers.sim)
    )
    [job] = [j for j in registered_jobs() if j.name == "sales.sales_expire"]
    [result] = run_due_jobs(now=paris(2026, 5, 4, 10, 35), jobs=[job])
    assert result.outcome == "succeeded"
    sale.refresh_from_db()
    assert sale.status == SaleStatus.EXPIRED
    assert level(team.site, offers.sim).reserved == 0
