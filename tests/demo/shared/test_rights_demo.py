"""The demo's access rights and quota rules (issue 11, first part), read from the shared
``ci`` demo."""

import pytest
from django.utils import timezone

from tisser.beneficiaries.models import Beneficiary, HouseholdMember
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.sales.enums import RightStatus
from tisser.sales.models import AccessRight, QuotaRule
from tisser.sales.quotas import quota_remaining

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_three_quota_rules(demo_ci):
    assert set(QuotaRule.objects.values_list("name", flat=True)) == {
        "Recharges : 30 € de valeur faciale par mois",
        "Un ordinateur portable par foyer tous les 3 ans",
        "Un smartphone par personne tous les 2 ans",
    }


def test_everyone_who_came_with_a_referral_has_a_right(demo_ci):
    consumed = set(
        Referral.objects.filter(status=ReferralStatus.CONSUMED).values_list(
            "beneficiary_id", flat=True
        )
    )
    active_files = set(Beneficiary.objects.active().values_list("pk", flat=True))
    with_right = set(AccessRight.objects.current().values_list("beneficiary_id", flat=True))
    assert consumed & active_files
    assert consumed & active_files <= with_right


def test_the_journey_person_has_an_active_right_and_a_household(demo_ci):
    journey = Beneficiary.objects.get(file_number=demo_ci.rights.journey_file)
    right = AccessRight.objects.current().get(beneficiary=journey)
    assert right.status_on(timezone.localdate()) == RightStatus.ACTIVE
    assert HouseholdMember.objects.current().filter(beneficiary=journey).exists()
    # The counter's demo sold the journey's person a laptop: the household's is used.
    remaining = {s.rule.name: s.remaining for s in quota_remaining(beneficiary=journey)}
    assert remaining["Un ordinateur portable par foyer tous les 3 ans"] == 0
