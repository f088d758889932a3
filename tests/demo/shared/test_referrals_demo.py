"""The demo referrals: every state, consistent histories, files, messages, determinism.

Read-only checks use the ``ci`` demo seeded once for the package (tests/demo/shared/conftest.py).
"""

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.demo.helpers import seed, snapshot
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.models import Beneficiary
from tisser.core.models import JournalEntry
from tisser.core.phones import is_mobile, normalize_phone
from tisser.notifications.models import Notification
from tisser.referrals import demo
from tisser.referrals.enums import (
    ANSWER_DELAY_DAYS,
    AppointmentStatus,
    ReferralSource,
    ReferralStatus,
)
from tisser.referrals.housekeeping import run_housekeeping
from tisser.referrals.models import Appointment, Referral, ReferralEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_ci):
    """The shared ``ci`` demo (two spaces, 60 days, 40 referrals)."""
    return demo_ci


def test_every_status_is_present_with_the_default_test_count(seeded):
    assert Referral.objects.count() == demo.referral_count() == 40
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    sources = set(Referral.objects.values_list("source", flat=True))
    assert {ReferralSource.PARTNER, ReferralSource.PUBLIC_REQUEST} <= sources
    appointment_statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {
        AppointmentStatus.PLANNED,
        AppointmentStatus.CAME,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.REBOOKED,
    } <= appointment_statuses
    assert seeded.referrals.referrals == 40


def test_consumed_referrals_have_their_file_and_walk_ins_have_files_too(seeded):
    consumed = Referral.objects.filter(status=ReferralStatus.CONSUMED).select_related("beneficiary")
    assert consumed.exists()
    for referral in consumed:
        assert referral.beneficiary is not None
        assert referral.beneficiary.site_id == referral.site_id
        assert referral.beneficiary.first_name == referral.first_name
        assert referral.appointments.filter(status=AppointmentStatus.CAME).count() == 1
    assert not Referral.objects.exclude(status=ReferralStatus.CONSUMED).filter(
        beneficiary__isnull=False
    )
    # The training demo's jobseekers (issue 15) are not walk-ins of the referrals' demo.
    walk_ins = Beneficiary.objects.filter(referrals__isnull=True).exclude(
        file_number__in=seeded.training.new_files
    )
    assert walk_ins.count() == demo.referral_count() // demo.REFERRALS_PER_WALK_IN
    # A person known at the counter was referred later: the file was linked, not duplicated.
    linked = JournalEntry.objects.filter(action="beneficiary.linked")
    assert linked.exists()


def test_histories_are_consistent_and_never_in_the_future(seeded):
    now = timezone.now()
    assert not ReferralEvent.objects.filter(at__gt=now).exists()
    assert not Referral.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    for referral in Referral.objects.prefetch_related("events"):
        events = list(referral.events.all())
        moments = [event.at for event in events]
        assert moments == sorted(moments), referral
        if referral.status != ReferralStatus.DRAFT:
            assert events[-1].to_status == referral.status
            # Each row starts where the previous one ended.
            for before, after in itertools.pairwise(events):
                assert after.from_status == before.to_status
    # Nothing left waiting past the delays: the housekeeping replay expired them.
    old = now - timezone.timedelta(days=ANSWER_DELAY_DAYS)
    assert not Referral.objects.filter(status=ReferralStatus.SUBMITTED, submitted_at__lt=old)
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED, last_reminder_at__isnull=False)
    assert ReferralEvent.objects.filter(
        to_status=ReferralStatus.EXPIRED, from_status=ReferralStatus.ACCEPTED
    ).exists()


def test_running_the_housekeeping_after_seeding_changes_nothing(seeded):
    counts = run_housekeeping(timezone.now())
    assert counts["expired"] == 0
    assert counts["reminded"] == 0


def test_people_have_real_format_mobiles_and_example_org_addresses(seeded):
    for phone, email in Referral.objects.values_list("phone", "email"):
        if phone:
            assert normalize_phone(phone) == phone and is_mobile(phone)
            assert phone.startswith("+3361234")
        if email:
            assert email.endswith("@example.org")


def test_every_partner_has_a_referrer_and_sends_from_its_own_organisation(seeded):
    network = Organisation.objects.get(kind="network")
    for referral in Referral.objects.filter(source=ReferralSource.PARTNER).select_related(
        "partner"
    ):
        assert Membership.objects.filter(
            user_id=referral.referrer_id,
            organisation_id=referral.partner_id,
            role=Role.PARTNER_REFERRER,
        ).exists()
        assert referral.partner.network_id == network.pk
    # The moderation queue holds a partner not validated yet, or a public request.
    for referral in Referral.objects.filter(status=ReferralStatus.MODERATION_PENDING):
        assert referral.partner is None or referral.partner.habilitation_status != "validated"


def test_demo_logins_find_work_in_their_pages(seeded, client, login):
    manager = Membership.objects.get(
        user__email="responsable@demo.tisser.fr", role=Role.SITE_MANAGER
    )
    login(manager)
    inbox = client.get(reverse("referrals:inbox"))
    assert inbox.status_code == 200
    waiting = Referral.objects.filter(
        site_id=manager.organisation_id, status=ReferralStatus.SUBMITTED
    ).first()
    if waiting is not None:
        assert waiting.first_name in inbox.content.decode()
    referrer = Membership.objects.get(user__email="prescripteur@demo.tisser.fr")
    client.logout()
    login(referrer)
    listing = client.get(reverse("referrals:partner_list"))
    assert listing.status_code == 200
    assert Referral.objects.filter(partner_id=referrer.organisation_id).exists()


def test_if_empty_is_still_idempotent(seeded):
    before = snapshot()
    journal = JournalEntry.objects.count()
    output = seed("--if-empty")
    assert "déjà" in output
    assert snapshot() == before
    assert JournalEntry.objects.count() == journal
