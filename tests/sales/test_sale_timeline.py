"""A person's sales, returns and box subscriptions on the timeline of their file."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.factories import OfferFactory
from tests.sales.sale_rows import codes, device, give_back, paris, sale
from tisser.core.timeline import beneficiary_timeline
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DeviceType
from tisser.sales.enums import ReturnOutcome, SaleStatus, SubscriptionStatus
from tisser.sales.models import BoxSubscription
from tisser.sales.timeline_events import sale_events

NBSP = "\u00a0"


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site)


def _events(person, prefix):
    return [event for event in beneficiary_timeline(person) if event.kind.startswith(prefix)]


def test_paid_cancelled_and_expired_sales_with_links_and_amounts(site, person):
    laptop = OfferFactory(network=site.network, name="Ordinateur portable reconditionné")
    recharge = OfferFactory(network=site.network, recharge=True, name="Recharge 10 €")
    paid = sale(person, site, paris(2026, 3, 2), device(laptop, site), codes(recharge, site, 2))
    cancelled = sale(person, site, paris(2026, 3, 3), codes(recharge, site, 1), status="cancelled")
    cancelled.cancel_reason = "La personne a changé d'avis"
    cancelled.save(update_fields=["cancel_reason"])
    expired = sale(person, site, paris(2026, 3, 4), device(laptop, site), status=SaleStatus.EXPIRED)
    events = {event.kind: event for event in _events(person, "sale.")}
    assert set(events) == {"sale.paid", "sale.cancelled", "sale.expired"}
    bought = events["sale.paid"]
    assert bought.title == f"Achat solidaire, ticket {paid.receipt_number}"
    assert bought.detail == (
        f"Ordinateur portable reconditionné, 2 × Recharge 10 € — payé 160,00{NBSP}€ "
        f"pour une valeur de 370,00{NBSP}€ — {site.name}"
    )
    assert bought.at == paris(2026, 3, 2)
    assert bought.url == reverse("sales:sale_detail", kwargs={"pk": paid.pk})
    assert events["sale.cancelled"].title == "Vente annulée"
    assert "La personne a changé d'avis" in events["sale.cancelled"].detail
    assert events["sale.cancelled"].url == reverse("sales:sale_detail", kwargs={"pk": cancelled.pk})
    assert events["sale.expired"].title == "Vente expirée"
    assert events["sale.expired"].url == reverse("sales:sale_detail", kwargs={"pk": expired.pk})
    # Newest first on the file.
    kinds = [event.kind for event in _events(person, "sale.")]
    assert kinds == ["sale.expired", "sale.cancelled", "sale.paid"]


def test_returns_say_refund_or_exchange_with_the_amount(site, person):
    laptop = OfferFactory(network=site.network, name="Portable")
    recharge = OfferFactory(network=site.network, recharge=True, name="Recharge 10 €")
    first = sale(person, site, paris(2026, 4, 1), device(laptop, site))
    second = sale(person, site, paris(2026, 4, 2), codes(recharge, site, 2))
    give_back(first.lines.get(), paris(2026, 4, 8), outcome=ReturnOutcome.EXCHANGE)
    give_back(second.lines.get(), paris(2026, 4, 9))
    events = {event.kind: event for event in _events(person, "sale.return")}
    exchange, refund = events["sale.return_exchange"], events["sale.return_refund"]
    assert exchange.title == "Retour pour un échange"
    assert f"avoir de 150,00{NBSP}€" in exchange.detail
    assert exchange.url == reverse("sales:sale_detail", kwargs={"pk": first.pk})
    assert refund.title == "Retour remboursé"
    assert refund.detail.startswith(f"1 × Recharge 10 € — remboursé 5,00{NBSP}€")
    assert refund.at == paris(2026, 4, 9)


def test_a_box_subscription_opened_ended_and_its_box_returned(site, person):
    box_offer = OfferFactory(
        network=site.network,
        family=OfferFamily.BOX,
        name="Box internet en prêt",
        solidarity_price=Decimal("0.00"),
        market_price=Decimal("40.00"),
        monthly_price=Decimal("5.00"),
        is_loan=True,
        allowed_grades=[],
    )
    box = device(box_offer, site)
    box.device_type = DeviceType.BOX
    opening = sale(person, site, paris(2026, 1, 5), box)
    subscription = BoxSubscription.objects.create(
        site=site,
        beneficiary=person,
        opening_line=opening.lines.get(),
        device=box,
        monthly_fee=Decimal("5.00"),
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 7, 4),
    )
    assert [e.kind for e in _events(person, "subscription.")] == ["subscription.opened"]
    opened = _events(person, "subscription.")[0]
    assert opened.title == "Abonnement ouvert : Box internet en prêt"
    assert opened.detail.startswith(f"5,00{NBSP}€ par mois, jusqu'au ")
    assert opened.url == reverse("sales:sale_detail", kwargs={"pk": opening.pk})
    subscription.status = SubscriptionStatus.CLOSED
    subscription.ended_on = datetime.date(2026, 7, 4)
    subscription.device_returned_on = datetime.date(2026, 7, 10)
    subscription.return_note = "Rendue complète avec son câble"
    subscription.save()
    kinds = [event.kind for event in _events(person, "subscription.")]
    assert kinds == [
        "subscription.device_returned",
        "subscription.ended",
        "subscription.opened",
    ]
    assert _events(person, "subscription.device_returned")[0].detail == (
        "Rendue complète avec son câble"
    )


def test_the_sales_events_take_a_fixed_number_of_queries(
    site, person, django_assert_max_num_queries
):
    recharge = OfferFactory(network=site.network, recharge=True, name="Recharge 10 €")
    laptop = OfferFactory(network=site.network, name="Portable")
    for day in range(1, 11):
        paid = sale(
            person, site, paris(2026, 5, day), device(laptop, site), codes(recharge, site, 1)
        )
        give_back(paid.lines.first(), paris(2026, 5, day, 15))
    with django_assert_max_num_queries(4):
        events = list(sale_events(person))
    assert len([e for e in events if e.kind == "sale.paid"]) == 10
    assert len([e for e in events if e.kind.startswith("sale.return")]) == 10
