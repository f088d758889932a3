"""The counter benchmark's data: rights, households, a quota ledger, and people who may buy."""

from importlib import import_module

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from benchmarks.generate import generate as generate_files
from benchmarks.generate_counter import generate, sellers_plan
from benchmarks.generate_stock import generate as generate_stock
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary, HouseholdMember
from tisser.core import clock
from tisser.offers.models import Device, Offer, Voucher
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.sales.models import AccessRight, QuotaConsumption, QuotaRule
from tisser.sales.quotas import BasketLine, quota_check

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY (the PostgreSQL pass)"),
]


@pytest.fixture
def generated():
    generate_files(files=600, referrals=1200)
    generate_stock(devices=600, vouchers=2000)
    return generate(fresh_per_site=10)


def test_rights_households_ledger_and_sellers(generated):
    """Everyone who came with a referral has a running right; households are pairs of one
    space; the quota ledger holds every device handed over and every code sold; each seller
    is a signed-in mediator with people who may still buy a laptop and a recharge (one
    generation for all: it takes seconds)."""
    came = set(
        Referral.objects.filter(status=ReferralStatus.CONSUMED, beneficiary__isnull=False)
        .values_list("beneficiary_id", flat=True)
        .distinct()
    )
    today = clock.localdate()
    running = AccessRight.objects.current().filter(starts_on__lte=today, ends_on__gte=today)
    assert came and set(running.values_list("beneficiary_id", flat=True)) == came
    assert generated["rights"] == len(came)
    assert QuotaRule.objects.filter(is_active=True).count() == generated["quota_rules"] == 3

    sizes = list(HouseholdMember.objects.values("household_id").annotate(n=Count("pk")))
    assert sizes and {row["n"] for row in sizes} == {2}
    assert generated["households"] == len(sizes)
    for row in sizes[:50]:
        members = HouseholdMember.objects.filter(household_id=row["household_id"])
        assert len({member.beneficiary.site_id for member in members}) == 1

    sold = (
        Device.objects.filter(status="DISTRIBUE").count()
        + Voucher.objects.filter(status__in=("SOLD", "ACTIVATED")).count()
    )
    assert generated["quota_history"] == sold
    assert QuotaConsumption.objects.count() == sold + generated["fresh_earlier_recharges"]
    for row in QuotaConsumption.objects.filter(family="RECHARGE")[:50]:
        assert row.amount == Offer.objects.get(pk=row.offer_id).face_value

    # The sellers of the benchmark: signed-in mediators with people who may buy today.
    plan = sellers_plan(clients=2, people=5)
    assert len(plan) == 2 and plan[0]["site"] == "STRGAR"
    sessions = import_module(settings.SESSION_ENGINE).SessionStore
    for seller in plan:
        membership = Membership.objects.get(user__email=seller["email"], role=Role.MEDIATOR)
        assert membership.organisation.site.short_code == seller["site"]
        assert sessions(session_key=seller["session"]).get("current_membership_id") == (
            membership.pk
        )
        people = list(Beneficiary.objects.filter(pk__in=seller["people"]).select_related("site"))
        assert len(people) == 5 and {p.site.short_code for p in people} == {seller["site"]}
        links = HouseholdMember.objects.current().filter(beneficiary__in=people)
        assert links.values("household_id").distinct().count() == links.count()
        basket = [
            BasketLine(Offer.objects.get(pk=seller["laptop"])),
            BasketLine(Offer.objects.get(pk=seller["recharge"])),
        ]
        for person in people:
            assert quota_check(beneficiary=person, basket=basket) == []
