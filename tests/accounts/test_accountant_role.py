"""The accounting role (issue 10): a network-level role, with two factors, that reads the
whole network's tax receipts (docs/decisions/0036-funding.md)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.funding.factories import TaxReceiptFactory
from tisser.accounts import services
from tisser.accounts.enums import ROLES_BY_KIND, ROLES_REQUIRING_TWO_FACTOR, OrganisationKind, Role
from tisser.accounts.models import Invitation
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.scoping import NETWORK_WIDE_ROLES
from tisser.funding.enums import TaxReceiptStatus
from tisser.funding.models import TaxReceipt


def test_the_role_is_the_networks_and_needs_two_factors():
    assert Role.ACCOUNTANT == "accountant"
    assert str(Role.ACCOUNTANT.label) == "Comptabilité"
    assert Role.ACCOUNTANT in ROLES_BY_KIND[OrganisationKind.NETWORK]
    assert Role.ACCOUNTANT in ROLES_REQUIRING_TWO_FACTOR
    # core spells the network-wide roles as codes: they are exactly the network's roles.
    assert set(ROLES_BY_KIND[OrganisationKind.NETWORK]) == NETWORK_WIDE_ROLES


def test_the_accountant_sees_the_whole_network_and_no_other(network, site):
    accountant = MembershipFactory(organisation=network, role=Role.ACCOUNTANT)
    mine = TaxReceiptFactory(network=network)
    TaxReceiptFactory(network=NetworkFactory(name="Autre réseau"))
    assert list(TaxReceipt.objects.visible_to(accountant)) == [mine]
    other_site = SiteFactory(network=network)
    assert {s.pk for s in type(site).objects.visible_to(accountant)} == {site.pk, other_site.pk}


def test_an_inactive_accountant_sees_nothing(network):
    accountant = MembershipFactory(organisation=network, role=Role.ACCOUNTANT, is_active=False)
    TaxReceiptFactory(network=network)
    assert not TaxReceipt.objects.visible_to(accountant).exists()


def test_the_accountant_cannot_open_a_persons_file(login, network, site):
    accountant = MembershipFactory(organisation=network, role=Role.ACCOUNTANT)
    person = BeneficiaryFactory(site=site)
    client = login(accountant)
    assert client.get(reverse("beneficiaries:search")).status_code == 403
    assert client.get(person.get_absolute_url()).status_code in (403, 404)
    assert client.get(reverse("referrals:inbox")).status_code == 403
    assert client.get(reverse("workspace:journal")).status_code == 403
    assert Beneficiary.objects.filter(pk=person.pk).exists()


def test_the_accountant_must_enrol_two_factors_first(login, network):
    accountant = MembershipFactory(organisation=network, role=Role.ACCOUNTANT)
    response = login(accountant, with_totp=False).get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_the_accountants_home_counts_the_receipts_of_the_year(login, network):
    accountant = MembershipFactory(organisation=network, role=Role.ACCOUNTANT)
    year = clock.localdate().year
    TaxReceiptFactory(network=network, year=year, amount=Decimal("1234.50"))
    TaxReceiptFactory(network=network, year=year, amount=Decimal("1000.00"))
    TaxReceiptFactory(
        network=network, year=year, amount=Decimal("99.00"), status=TaxReceiptStatus.CANCELLED
    )
    TaxReceiptFactory(network=network, year=year - 1, amount=Decimal("50.00"))
    TaxReceiptFactory(
        network=NetworkFactory(name="Autre réseau"), year=year, amount=Decimal("777.00")
    )
    response = login(accountant).get(reverse("workspace:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert network.name in page
    assert f"Reçus fiscaux des dons de {year}" in page
    assert '<span class="stat">2</span> reçus émis' in page
    assert "2\u202f234,50\u00a0€" in page
    assert '<span class="stat">1</span> reçu annulé' in page
    assert f"Reçus fiscaux des dons de {year - 1}" in page
    assert "50,00\u00a0€" in page
    assert "777" not in page
    # Nothing of a site team's menu.
    assert reverse("beneficiaries:search") not in page


def test_the_network_admin_invites_an_accountant(login, network_admin, network):
    client = login(network_admin)
    form = client.get(reverse("accounts:member_invite")).content.decode()
    assert 'value="accountant"' in form and "Comptabilité" in form
    response = client.post(
        reverse("accounts:member_invite"),
        {"email": "compta@exemple.fr", "organisation": network.pk, "role": Role.ACCOUNTANT},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.role == Role.ACCOUNTANT and invitation.organisation_id == network.pk


def test_the_accounting_role_fits_only_a_network(login, network_admin, site):
    response = login(network_admin).post(
        reverse("accounts:member_invite"),
        {"email": "compta@exemple.fr", "organisation": site.pk, "role": Role.ACCOUNTANT},
    )
    assert response.status_code == 200
    assert "Ce rôle ne convient pas" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_site_manager_cannot_give_the_accounting_role(site, network):
    manager = MembershipFactory(organisation=site, role=Role.SITE_MANAGER)
    with pytest.raises(DomainError):
        services.member_invite(
            actor=manager, organisation=site, email="compta@exemple.fr", role=Role.ACCOUNTANT
        )
    assert not Invitation.objects.exists()


def test_money_is_written_the_french_way():
    from tisser.core.money import format_euros

    assert format_euros(Decimal("1234567.5")) == "1\u202f234\u202f567,50\u00a0€"
    assert format_euros(Decimal("0")) == "0,00\u00a0€"
    assert format_euros(Decimal("-12.345")) == "-12,35\u00a0€"
    assert format_euros(datetime.date(2026, 1, 1).year) == "2\u202f026,00\u00a0€"
