"""The one definition of a jobseeker (docs/decisions/0023-jobseeker.md), in SQL and in memory."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.beneficiaries.models import Beneficiary, is_jobseeker

pytestmark = pytest.mark.django_db


def test_jobseekers_are_declared_ones_and_long_term_criteria(site):
    declared = BeneficiaryFactory(site=site, is_jobseeker=True)
    long_term = BeneficiaryFactory(
        site=site, is_jobseeker=None, eligibility_criteria=["RSA", "DELD"]
    )
    very_long = BeneficiaryFactory(site=site, is_jobseeker=False, eligibility_criteria=["DETLD"])
    not_one = BeneficiaryFactory(site=site, is_jobseeker=False, eligibility_criteria=["RSA"])
    unknown = BeneficiaryFactory(site=site, is_jobseeker=None, social_status="sans_emploi")
    found = set(Beneficiary.objects.jobseekers())
    assert found == {declared, long_term, very_long}
    for beneficiary in (declared, long_term, very_long, not_one, unknown):
        assert is_jobseeker(beneficiary) == (beneficiary in found)
