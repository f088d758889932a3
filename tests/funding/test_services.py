"""Donors, conventions, dotations and lots: the rules, the refusals and the journal."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import FunderFactory, MembershipFactory, NetworkFactory, SiteFactory
from tests.funding.conftest import lot_data
from tests.funding.factories import DonationLotFactory, DonorFactory
from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.funding import services
from tisser.funding.enums import DonorKind, LotUnit, OfferFamily
from tisser.funding.models import Convention, DonationLot, Donor, Dotation

CONVENTION = {
    "reference": "VILLE-2026",
    "title": "Soutien aux espaces",
    "starts_on": datetime.date(2026, 1, 1),
    "ends_on": datetime.date(2027, 12, 31),
    "notes": "",
}
DOTATION = {
    "year": 2026,
    "families": [OfferFamily.SIM.value, OfferFamily.LAPTOP.value, OfferFamily.SIM.value],
    "budget_units": 100,
    "budget_amount": None,
    "reporting_starts_on": datetime.date(2026, 1, 1),
    "reporting_ends_on": datetime.date(2026, 12, 31),
}


def entries(action):
    return JournalEntry.objects.filter(action=action)


# --- donors ----------------------------------------------------------------------------


def test_admin_adds_an_organisation_donor_named_after_its_funder(network_admin, operator):
    donor = services.donor_create(
        actor=network_admin,
        kind=DonorKind.ORGANISATION,
        funder=operator,
        data={
            "name": "",
            "siren": "552100554",
            "address": "",
            "postal_code": "",
            "city": "",
            "email": "",
        },
    )
    assert donor.network_id == network_admin.organisation_id
    assert donor.name == operator.name and donor.funder == operator
    entry = entries("donor.created").get()
    assert entry.object_id == str(donor.pk) and entry.payload == {
        "kind": "organisation",
        "funder_id": operator.pk,
    }


def test_a_funder_that_gives_nothing_in_kind_is_refused(network_admin, network):
    funder = FunderFactory(network=network, is_donor=False)
    with pytest.raises(DomainError, match="dons en nature"):
        services.donor_create(
            actor=network_admin, kind=DonorKind.ORGANISATION, funder=funder, data={"name": "X"}
        )
    assert not Donor.objects.exists() and not entries("donor.created").exists()


def test_a_funder_is_a_donor_once(network_admin, org_donor, operator):
    with pytest.raises(DomainError, match="déjà un donateur"):
        services.donor_create(
            actor=network_admin, kind=DonorKind.ORGANISATION, funder=operator, data={}
        )


def test_another_networks_funder_is_refused(network_admin):
    stranger = FunderFactory(network=NetworkFactory(name="Autre"), is_donor=True)
    with pytest.raises(DomainError, match="pas dans votre réseau"):
        services.donor_create(
            actor=network_admin, kind=DonorKind.ORGANISATION, funder=stranger, data={}
        )


def test_an_individual_donor_has_no_funder(network_admin, operator):
    donor = services.donor_create(
        actor=network_admin,
        kind=DonorKind.INDIVIDUAL,
        funder=operator,
        data={"name": "Jeanne Dupont", "city": "Lyon"},
    )
    assert donor.funder is None and donor.kind == DonorKind.INDIVIDUAL


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR])
def test_only_the_network_admin_manages_donors(site, role):
    actor = MembershipFactory(organisation=site, role=role)
    with pytest.raises(DomainError, match="Votre rôle"):
        services.donor_create(actor=actor, kind=DonorKind.INDIVIDUAL, data={"name": "A"})


def test_update_journals_the_changed_fields_only(network_admin, person_donor):
    changed = services.donor_update(
        actor=network_admin, donor=person_donor, data={"name": person_donor.name, "city": "Metz"}
    )
    assert changed == ["city"]
    person_donor.refresh_from_db()
    assert person_donor.city == "Metz"
    assert entries("donor.updated").get().payload == {"fields": ["city"]}
    assert (
        services.donor_update(actor=network_admin, donor=person_donor, data={"city": "Metz"}) == []
    )
    assert entries("donor.updated").count() == 1


def test_another_networks_admin_cannot_touch_a_donor(person_donor):
    other = MembershipFactory(organisation=NetworkFactory(name="Autre"), role=Role.NETWORK_ADMIN)
    with pytest.raises(DomainError, match="pas dans votre réseau"):
        services.donor_update(actor=other, donor=person_donor, data={"city": "Metz"})


def test_deactivate_and_reactivate(network_admin, person_donor):
    assert services.donor_set_active(actor=network_admin, donor=person_donor, active=False)
    assert not services.donor_set_active(actor=network_admin, donor=person_donor, active=False)
    person_donor.refresh_from_db()
    assert not person_donor.is_active
    assert services.donor_set_active(actor=network_admin, donor=person_donor, active=True)
    assert entries("donor.deactivated").count() == 1 and entries("donor.reactivated").count() == 1


# --- conventions -----------------------------------------------------------------------


def test_admin_creates_a_convention_for_sites(network_admin, funder, site, other_site):
    convention = services.convention_create(
        actor=network_admin, funder=funder, data=CONVENTION, sites=[site, other_site]
    )
    assert set(convention.sites.all()) == {site, other_site}
    assert entries("convention.created").get().payload == {
        "funder_id": funder.pk,
        "site_ids": sorted([site.pk, other_site.pk]),
    }


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_on": datetime.date(2025, 12, 31)}, "après son début"),
        ({"ends_on": datetime.date(2040, 1, 1)}, "au plus 10 ans"),
    ],
)
def test_convention_period_rules(network_admin, funder, site, change, message):
    with pytest.raises(DomainError, match=message):
        services.convention_create(
            actor=network_admin, funder=funder, data={**CONVENTION, **change}, sites=[site]
        )
    assert not Convention.objects.exists()


def test_a_convention_needs_sites_of_the_network(network_admin, funder, site):
    with pytest.raises(DomainError, match="au moins un espace"):
        services.convention_create(actor=network_admin, funder=funder, data=CONVENTION, sites=[])
    foreign = SiteFactory(network=NetworkFactory(name="Autre"))
    with pytest.raises(DomainError, match="pas dans votre réseau"):
        services.convention_create(
            actor=network_admin, funder=funder, data=CONVENTION, sites=[foreign]
        )


def test_a_reference_is_unique_per_funder(network_admin, funder, site):
    services.convention_create(actor=network_admin, funder=funder, data=CONVENTION, sites=[site])
    with pytest.raises(DomainError, match="déjà une convention"):
        services.convention_create(
            actor=network_admin, funder=funder, data=CONVENTION, sites=[site]
        )


def test_convention_update_keeps_its_dotations_inside(network_admin, convention, dotation, site):
    with pytest.raises(DomainError, match="hors de la nouvelle période"):
        services.convention_update(
            actor=network_admin,
            convention=convention,
            data={"starts_on": datetime.date(2027, 1, 1), "ends_on": datetime.date(2027, 12, 31)},
            sites=[site],
        )
    changed = services.convention_update(
        actor=network_admin, convention=convention, data={"title": "Nouveau titre"}, sites=[site]
    )
    assert changed == ["title"]


def test_a_site_with_linked_lots_stays_covered(
    network_admin, convention, dotation, site, other_site, org_donor
):
    DonationLotFactory(site=site, donor=org_donor, dotation=dotation)
    with pytest.raises(DomainError, match="gardez cet espace"):
        services.convention_update(
            actor=network_admin, convention=convention, data={}, sites=[other_site]
        )
    changed = services.convention_update(
        actor=network_admin, convention=convention, data={}, sites=[site, other_site]
    )
    assert changed == ["sites"]
    assert entries("convention.updated").get().payload == {"fields": ["sites"]}


# --- dotations -------------------------------------------------------------------------


def test_admin_adds_a_dotation(network_admin, convention):
    dotation = services.dotation_create(actor=network_admin, convention=convention, data=DOTATION)
    assert dotation.families == [OfferFamily.LAPTOP.value, OfferFamily.SIM.value]
    assert entries("dotation.created").get().payload == {
        "convention_id": convention.pk,
        "year": 2026,
    }


@pytest.mark.parametrize(
    "change, message",
    [
        ({"families": []}, "au moins une famille"),
        ({"families": ["NOPE"]}, "n'existe pas"),
        ({"budget_units": None, "budget_amount": None}, "budget"),
        ({"year": 2030}, "période de la convention"),
        ({"reporting_ends_on": datetime.date(2025, 1, 1)}, "compte rendu"),
    ],
)
def test_dotation_rules(network_admin, convention, change, message):
    with pytest.raises(DomainError, match=message):
        services.dotation_create(
            actor=network_admin, convention=convention, data={**DOTATION, **change}
        )
    assert not Dotation.objects.exists()


def test_a_dotation_keeps_the_families_and_year_of_its_lots(
    network_admin, dotation, site, org_donor
):
    DonationLotFactory(site=site, donor=org_donor, dotation=dotation, family=OfferFamily.LAPTOP)
    with pytest.raises(DomainError, match="famille"):
        services.dotation_update(
            actor=network_admin, dotation=dotation, data={"families": [OfferFamily.SIM.value]}
        )
    with pytest.raises(DomainError, match="autre année"):
        services.dotation_update(actor=network_admin, dotation=dotation, data={"year": 2027})
    assert services.dotation_update(
        actor=network_admin, dotation=dotation, data={"budget_units": 900}
    ) == ["budget_units"]


def test_a_funder_viewer_cannot_write_a_dotation(convention):
    viewer = MembershipFactory(organisation=convention.funder, role=Role.FUNDER_VIEWER)
    with pytest.raises(DomainError, match="Votre rôle"):
        services.dotation_create(actor=viewer, convention=convention, data=DOTATION)


# --- lots ------------------------------------------------------------------------------


def test_a_site_manager_records_a_lot_at_their_site(manager, site, org_donor, dotation):
    lot = services.lot_record(
        actor=manager, donor=org_donor, site=site, dotation=dotation, data=lot_data()
    )
    assert lot.recorded_by == manager.user and lot.tax_receipt is None
    entry = entries("donation_lot.recorded").get()
    assert entry.site_id == site.pk
    assert entry.payload["valuation_amount"] == "1500.00"
    assert entry.payload["dotation_id"] == dotation.pk


def test_a_site_manager_cannot_record_for_another_site(manager, other_site, person_donor):
    with pytest.raises(DomainError, match="votre espace"):
        services.lot_record(actor=manager, donor=person_donor, site=other_site, data=lot_data())
    assert not DonationLot.objects.exists()


def test_the_admin_records_anywhere_in_the_network_only(network_admin, other_site, person_donor):
    services.lot_record(actor=network_admin, donor=person_donor, site=other_site, data=lot_data())
    foreign = SiteFactory(network=NetworkFactory(name="Autre"))
    with pytest.raises(DomainError, match="votre espace"):
        services.lot_record(actor=network_admin, donor=person_donor, site=foreign, data=lot_data())


def test_a_mediator_cannot_record_a_lot(mediator, site, person_donor):
    with pytest.raises(DomainError, match="Votre rôle"):
        services.lot_record(actor=mediator, donor=person_donor, site=site, data=lot_data())


@pytest.mark.parametrize(
    "change, message",
    [
        ({"received_on": datetime.date(2026, 11, 16)}, "futur"),
        ({"received_on": datetime.date(2023, 1, 1)}, "trois ans"),
        ({"unit": LotUnit.PIECE}, "en appareils"),
        ({"refurbisher": ""}, "reconditionneur"),
        ({"erasure_certificate": " "}, "certificat"),
        ({"family": OfferFamily.SIM, "unit": LotUnit.DEVICE}, "ne se compte pas"),
    ],
)
def test_lot_rules(network_admin, site, person_donor, change, message):
    with pytest.raises(DomainError, match=message):
        services.lot_record(
            actor=network_admin, donor=person_donor, site=site, data=lot_data(**change)
        )
    assert not DonationLot.objects.exists()


def test_sim_cards_need_no_refurbisher(network_admin, site, person_donor):
    lot = services.lot_record(
        actor=network_admin,
        donor=person_donor,
        site=site,
        data=lot_data(
            family=OfferFamily.SIM, unit=LotUnit.CARD, refurbisher="", erasure_certificate=""
        ),
    )
    assert lot.family == OfferFamily.SIM


def test_an_inactive_donor_gets_no_new_lot(network_admin, site, person_donor):
    person_donor.is_active = False
    person_donor.save()
    with pytest.raises(DomainError, match="plus un donateur actif"):
        services.lot_record(actor=network_admin, donor=person_donor, site=site, data=lot_data())


def test_another_networks_donor_is_refused(network_admin, site):
    stranger = DonorFactory(network=NetworkFactory(name="Autre"))
    with pytest.raises(DomainError, match="pas dans votre réseau"):
        services.lot_record(actor=network_admin, donor=stranger, site=site, data=lot_data())


@pytest.mark.parametrize(
    "change, message",
    [
        ({"family": OfferFamily.TABLET}, "ne couvre pas cette famille"),
        ({"received_on": datetime.date(2025, 12, 1)}, "reçu en 2025"),
    ],
)
def test_a_lot_fits_its_dotation(network_admin, site, org_donor, dotation, change, message):
    with pytest.raises(DomainError, match=message):
        services.lot_record(
            actor=network_admin,
            donor=org_donor,
            site=site,
            dotation=dotation,
            data=lot_data(**change),
        )


def test_a_dotation_belongs_to_its_donor(network_admin, site, person_donor, dotation):
    with pytest.raises(DomainError, match="pas celle de ce donateur"):
        services.lot_record(
            actor=network_admin, donor=person_donor, site=site, dotation=dotation, data=lot_data()
        )


def test_the_convention_covers_the_site_of_the_lot(network_admin, other_site, org_donor, dotation):
    with pytest.raises(DomainError, match="ne couvre pas cet espace"):
        services.lot_record(
            actor=network_admin,
            donor=org_donor,
            site=other_site,
            dotation=dotation,
            data=lot_data(),
        )


def test_a_closed_site_gets_no_lot(network_admin, network, person_donor):
    closed = SiteFactory(network=network, is_active=False)
    with pytest.raises(DomainError, match="fermé"):
        services.lot_record(actor=network_admin, donor=person_donor, site=closed, data=lot_data())


def test_amounts_stay_decimal(network_admin, site, person_donor):
    lot = services.lot_record(
        actor=network_admin,
        donor=person_donor,
        site=site,
        data=lot_data(valuation_amount=Decimal("0.10") + Decimal("0.20")),
    )
    lot.refresh_from_db()
    assert lot.valuation_amount == Decimal("0.30")
