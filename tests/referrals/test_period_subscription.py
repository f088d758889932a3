"""The beneficiaries app's subscriber to ``referral.consumed``: the person came, their
accompaniment period opens (or the open one is kept)."""

import pytest

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.referrals.actions import S, perform, prepare
from tisser.beneficiaries.enums import PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.referrals import transitions as t

pytestmark = pytest.mark.django_db


def test_a_consumed_referral_opens_the_period_of_its_file(world):
    referral = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    period = AccompanimentPeriod.objects.get(beneficiary=referral.beneficiary)
    assert period.opened_by == PeriodOpening.REFERRAL
    assert period.opening_referral_id == referral.pk
    assert period.site == referral.site and period.is_open


def test_a_consumed_referral_keeps_the_period_already_open(world):
    beneficiary = BeneficiaryFactory(site=world.site)
    existing = AccompanimentPeriodFactory(site=world.site, beneficiary=beneficiary)
    referral = prepare(world, S.ACCEPTED)
    t.referral_mark_came(actor=world.manager, referral=referral, existing=beneficiary)
    assert list(AccompanimentPeriod.objects.filter(beneficiary=beneficiary)) == [existing]
