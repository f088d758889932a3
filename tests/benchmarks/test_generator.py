"""The benchmark's data generator: rows filled like the services fill them, searchable."""

from collections import Counter

import pytest

from benchmarks.generate import generate, with_typo
from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary, FileNumberSequence
from tisser.beneficiaries.selectors import beneficiary_search
from tisser.core.names import search_key
from tisser.referrals.enums import AppointmentStatus, ReferralSource, ReferralStatus
from tisser.referrals.models import Appointment, Referral
from tisser.referrals.selectors import referral_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    return generate(files=600, referrals=1200)


def test_counts_and_derived_columns(generated):
    assert generated["files"] == Beneficiary.objects.count() == 600
    assert generated["referrals"] == Referral.objects.count() == 1200
    assert generated["sites"] == 12
    for file in Beneficiary.objects.all()[:200]:
        assert file.search_key == search_key(file.first_name, file.last_name)
        assert file.file_number.startswith(f"{file.site.short_code}-")
    for sequence in FileNumberSequence.objects.select_related("site"):
        assert sequence.last_value == Beneficiary.objects.filter(site=sequence.site).count()
    for referral in Referral.objects.all()[:300]:
        assert referral.search_key == search_key(referral.first_name, referral.last_name)
        if referral.source == ReferralSource.PARTNER:
            assert referral.partner_id and referral.referrer_id


def test_open_referrals_are_recent_and_closed_ones_consistent(generated):
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.CONSUMED} <= set(
        statuses
    )
    consumed = Referral.objects.filter(status=ReferralStatus.CONSUMED)
    assert not consumed.filter(beneficiary__isnull=True).exists()
    assert (
        Appointment.objects.filter(status=AppointmentStatus.PLANNED).count()
        == statuses[ReferralStatus.ACCEPTED]
    )
    assert (
        Appointment.objects.filter(status=AppointmentStatus.CAME).count()
        == statuses[ReferralStatus.CONSUMED]
    )


def test_the_sample_queries_find_files_of_the_measured_manager(generated):
    samples = generated["samples"]
    manager = Membership.objects.get(user__email="responsable@demo.tisser.fr", role="site_manager")
    for query in (samples["accented_name"], samples["phone"], samples["file_number"]):
        result = beneficiary_search(membership=manager, query=query, page=1)
        assert result.page.paginator.count >= 1, query
    typo = beneficiary_search(membership=manager, query=samples["typo_name"], page=1)
    assert any(f.last_name == samples["typo_finds"] for f in typo.page.object_list)
    assert referral_inbox(membership=manager).exists()


def test_with_typo_swaps_two_letters():
    assert with_typo("Fauonier") != "Fauonier"
    assert sorted(with_typo("Fauonier")) == sorted("Fauonier")
