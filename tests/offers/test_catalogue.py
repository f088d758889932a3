from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.offers.factories import DeviceFactory, OfferFactory
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.funding.enums import OfferFamily
from tisser.offers import catalogue
from tisser.offers.enums import Tracking
from tisser.offers.models import Offer

LAPTOP = {
    "family": OfferFamily.LAPTOP,
    "name": "Portable reconditionné",
    "description": "",
    "solidarity_price": Decimal("150"),
    "market_price": Decimal("350"),
    "allowed_grades": ["A", "B"],
    "warranty_months": 12,
    "requires_access_right": True,
}


def test_admin_creates_an_offer_tracking_follows_the_family(network_admin, site):
    offer = catalogue.offer_create(actor=network_admin, data=LAPTOP, sites=[site])
    assert offer.tracking == Tracking.DEVICE
    assert offer.solidarity_price == Decimal("150.00")
    assert list(offer.sites.all()) == [site]
    assert JournalEntry.objects.filter(action="offer.created", object_id=str(offer.pk)).exists()
    recharge = catalogue.offer_create(
        actor=network_admin,
        data={
            "family": OfferFamily.RECHARGE,
            "name": "Recharge 10 €",
            "solidarity_price": Decimal("5"),
            "market_price": Decimal("10"),
            "face_value": Decimal("10"),
            "warranty_months": 0,
        },
    )
    assert recharge.tracking == Tracking.VOUCHER


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"market_price": Decimal("100")}, "market_price"),
        ({"allowed_grades": []}, "allowed_grades"),
        ({"monthly_price": Decimal("5")}, "monthly_price"),
    ],
)
def test_catalogue_rules(network_admin, change, field):
    with pytest.raises(ValidationError) as refused:
        catalogue.offer_create(actor=network_admin, data={**LAPTOP, **change})
    assert field in refused.value.message_dict
    assert not Offer.objects.exists()


def test_a_box_is_lent_with_a_monthly_price(network_admin):
    data = {**LAPTOP, "family": OfferFamily.BOX, "name": "Box", "allowed_grades": ["A"]}
    with pytest.raises(ValidationError, match="abonnement mensuel"):
        catalogue.offer_create(actor=network_admin, data=data)
    offer = catalogue.offer_create(
        actor=network_admin, data={**data, "monthly_price": Decimal("9.90")}
    )
    assert offer.is_loan and offer.monthly_price == Decimal("9.90")


def test_only_the_network_admin_edits(site, member_factory):
    with pytest.raises(DomainError, match="administrateur"):
        catalogue.offer_create(actor=member_factory(site, Role.SITE_MANAGER), data=LAPTOP)


def test_update_journals_changed_fields_and_refuses_a_tracking_change_with_stock(
    network_admin, site
):
    offer = catalogue.offer_create(actor=network_admin, data=LAPTOP)
    catalogue.offer_update(
        actor=network_admin, offer=offer, data={**LAPTOP, "solidarity_price": Decimal("120")}
    )
    entry = JournalEntry.objects.get(action="offer.updated")
    assert entry.payload["fields"] == ["solidarity_price"]
    DeviceFactory(site=site, offer=offer)
    with pytest.raises(DomainError, match="déjà du stock"):
        catalogue.offer_update(
            actor=network_admin,
            offer=offer,
            data={**LAPTOP, "family": OfferFamily.RECHARGE, "allowed_grades": [], "face_value": 1},
        )


def test_deactivate(network_admin):
    offer = catalogue.offer_create(actor=network_admin, data=LAPTOP)
    catalogue.offer_deactivate(actor=network_admin, offer=offer)
    offer.refresh_from_db()
    assert not offer.is_active
    with pytest.raises(DomainError, match="déjà désactivée"):
        catalogue.offer_deactivate(actor=network_admin, offer=offer)


def test_form_takes_french_amounts(client, login, network_admin, site):
    login(network_admin)
    response = client.post(
        reverse("offers:offer_create"),
        {
            "family": OfferFamily.LAPTOP,
            "name": "Portable",
            "solidarity_price": "12,50",
            "market_price": "1 200 €",
            "allowed_grades": ["B"],
            "requires_access_right": "on",
            "sites": [site.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = Offer.objects.get()
    assert offer.solidarity_price == Decimal("12.50")
    assert offer.market_price == Decimal("1200.00")
    assert offer.warranty_months == 12
    page = client.get(reverse("offers:catalogue")).content.decode()
    assert "12,50\u00a0€" in page


def test_form_errors_are_french_and_on_the_field(client, login, network_admin):
    login(network_admin)
    response = client.post(
        reverse("offers:offer_create"),
        {
            "family": OfferFamily.LAPTOP,
            "name": "Portable",
            "solidarity_price": "douze",
            "market_price": "10",
            "allowed_grades": ["B"],
        },
    )
    assert response.status_code == 400
    assert "Écrivez un montant en euros, par exemple 12,50." in response.content.decode()


def test_site_staff_read_the_list_but_cannot_edit(client, login, site, member_factory, network):
    offer = OfferFactory(network=network, name="Tablette solidaire")
    offer.sites.add(site)
    login(member_factory(site, Role.VOLUNTEER))
    page = client.get(reverse("offers:catalogue"))
    assert "Tablette solidaire" in page.content.decode()
    assert "proposée" in page.content.decode()
    assert client.get(reverse("offers:offer_create")).status_code == 403
    assert client.get(reverse("offers:offer_edit", kwargs={"pk": offer.pk})).status_code == 404


def test_catalogue_list_cost_does_not_grow(
    client, login, network_admin, network, site, django_assert_max_num_queries
):
    login(network_admin)
    OfferFactory(network=network).sites.add(site)
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("offers:catalogue"))
    for _ in range(30):
        OfferFactory(network=network).sites.add(site)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("offers:catalogue")).status_code == 200
