"""A merge marks every (site, day, dimension) where the records of either file lie: the
duplicate's people are counted as the kept file's from now on."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import MembershipFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.builders import at, finished
from tests.learning.factories import ModuleProgressFactory
from tests.referrals.factories import ReferralFactory
from tests.reporting.marks_helpers import clear_marks, explode, marks, rolled_back
from tisser.accounts.enums import Role
from tisser.beneficiaries import services
from tisser.core.stale_figures import ACTIVITIES, DIAGNOSTICS, LEARNING, PEOPLE, REFERRALS

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def files(site, other_site):
    kept = BeneficiaryFactory(site=site, first_name="Awa", last_name="Diallo")
    duplicate = BeneficiaryFactory(site=other_site, first_name="Awa", last_name="Dialo")
    ParticipationFactory(activity=ActivityFactory(site=site, date=DAY), beneficiary=kept)
    ParticipationFactory(
        activity=ActivityFactory(site=other_site, date=DAY + datetime.timedelta(days=7)),
        beneficiary=duplicate,
    )
    return kept, duplicate


def merge(site, kept, duplicate):
    admin = MembershipFactory(organisation=site.network, role=Role.NETWORK_ADMIN)
    return services.beneficiary_merge(
        actor=admin, kept=kept, duplicate=duplicate, reason="Même personne, deux dossiers"
    )


def test_the_days_of_both_files_records_are_marked(site, other_site, files):
    kept, duplicate = files
    finished(duplicate, {"appareil": 2}, when=at(12), site=other_site)
    ModuleProgressFactory(beneficiary=duplicate, finished=True)
    referral = ReferralFactory(site=other_site, submitted=True, beneficiary=duplicate)
    clear_marks()

    merge(site, kept, duplicate)

    found = marks()
    assert {
        (site.pk, DAY, ACTIVITIES),
        (other_site.pk, DAY + datetime.timedelta(days=7), ACTIVITIES),
        (site.pk, timezone.localdate(kept.created_at), PEOPLE),
        (other_site.pk, timezone.localdate(duplicate.created_at), PEOPLE),
        (other_site.pk, datetime.date(2026, 3, 12), DIAGNOSTICS),
        (other_site.pk, timezone.localdate(referral.submitted_at), REFERRALS),
    } <= found
    # A module counts at its file's site: it moves from the duplicate's site to the kept's.
    learning = {(site_id, day) for site_id, day, dimension in found if dimension == LEARNING}
    assert {site_id for site_id, _day in learning} == {site.pk, other_site.pk}


def test_a_failed_merge_leaves_no_mark(site, files, monkeypatch):
    kept, duplicate = files
    monkeypatch.setattr(services, "record", explode)
    rolled_back(lambda: merge(site, kept, duplicate))
