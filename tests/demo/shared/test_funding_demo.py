"""The demo's funding data (issue 10): the operator's in-kind gifts at the press release's
scale, the other funders' conventions, two private donors, lots and one tax receipt."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from tisser.accounts import demo
from tisser.accounts.enums import FunderKind, Role
from tisser.accounts.models import Membership, Site
from tisser.funding import demo as funding_demo
from tisser.funding.enums import DonorKind, TaxReceiptStatus
from tisser.funding.models import Convention, DonationLot, Donor, Dotation, TaxReceipt

pytestmark = pytest.mark.django_db


def test_the_operator_is_a_donor_with_a_convention_over_every_space(demo_ci):
    donor = Donor.objects.get(kind=DonorKind.ORGANISATION)
    assert donor.funder.funder_kind == FunderKind.OPERATOR and donor.funder.is_donor
    convention = Convention.objects.get(funder=donor.funder)
    assert set(convention.sites.all()) == set(Site.objects.all())
    # The ci profile has 2 spaces of 12: the year's dotation is 2/12 of the 4 M€.
    dotation = Dotation.objects.filter(convention=convention).order_by("-year").first()
    assert dotation.budget_amount == Decimal("666666.67")
    assert {"SMARTPHONE", "RECHARGE", "SIM"} <= set(dotation.families)


def test_the_years_gifts_are_of_the_press_release_order_of_magnitude(demo_ci):
    donor = Donor.objects.get(kind=DonorKind.ORGANISATION)
    total = DonationLot.objects.filter(donor=donor).aggregate(total=Sum("valuation_amount"))[
        "total"
    ]
    expected = funding_demo.OPERATOR_YEARLY_VALUE * 2 / 12
    assert expected * Decimal("0.9") <= total <= expected * Decimal("1.05")
    assert DonationLot.objects.filter(donor=donor).count() >= 6
    # Every operator lot is tied to the dotation of its year, at a site the convention covers.
    for lot in DonationLot.objects.filter(donor=donor).select_related("dotation"):
        assert lot.dotation.year == lot.received_on.year
        assert lot.family in lot.dotation.families


def test_every_other_funder_has_a_convention_and_two_persons_give(demo_ci):
    kinds = set(Convention.objects.values_list("funder__funder_kind", flat=True))
    assert kinds == {
        FunderKind.OPERATOR,
        FunderKind.CITY,
        FunderKind.METROPOLIS,
        FunderKind.FOUNDATION,
        FunderKind.FAMILY_ALLOWANCE_FUND,
        FunderKind.EMPLOYMENT_SERVICE,
    }
    assert Donor.objects.filter(kind=DonorKind.INDIVIDUAL).count() == 2
    assert DonationLot.objects.filter(donor__kind=DonorKind.INDIVIDUAL).count() == 6
    city = Convention.objects.get(funder__funder_kind=FunderKind.CITY)
    assert {site.city for site in city.sites.all()} == {"Strasbourg"}


def test_one_receipt_is_issued_with_gap_free_numbering(demo_ci):
    receipt = TaxReceipt.objects.get()
    assert receipt.status == TaxReceiptStatus.ISSUED and receipt.sequence == 1
    assert receipt.donor.kind == DonorKind.INDIVIDUAL and receipt.articles == "200"
    assert receipt.amount == receipt.lots.aggregate(total=Sum("valuation_amount"))["total"]
    assert receipt.network.tax_receipt_settings.issues_tax_receipts


def test_the_demo_funder_and_accountant_find_their_pages(demo_ci, client, login):
    funder = Membership.objects.get(user__email="financeur@demo.tisser.fr")
    login(funder)
    page = client.get(reverse("funding:convention_list")).content.decode()
    assert "VDS-" in page and "OP-" not in page
    accountant = Membership.objects.get(role=Role.ACCOUNTANT)
    assert accountant.user.email in {login.email for login in demo.LOGINS}
    client.logout()
    login(accountant)
    receipt = TaxReceipt.objects.get()
    assert receipt.number in client.get(reverse("funding:tax_receipt_list")).content.decode()
    assert (
        client.get(reverse("funding:tax_receipt_pdf", kwargs={"pk": receipt.pk})).status_code == 200
    )
