"""The demo referrals: every state, consistent histories, files, messages, determinism.

Read-only checks use the ``ci`` demo seeded once for the package (tests/demo/shared/conftest.py).
"""

import pytest
from django.core import mail
from django.db import transaction

from tests.demo.helpers import seed, snapshot
from tisser.accounts.models import Organisation
from tisser.notifications import sms
from tisser.notifications.models import DeliveryStatus, Notification
from tisser.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_messages_are_recorded_as_sent_and_none_is_sent_while_seeding(
    django_capture_on_commit_callbacks,
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        output = seed("--profile", "ci")
    assert "40 bons d'orientation" in output and " s)." in output
    assert sms.outbox == []
    assert mail.outbox == []
    assert Notification.objects.exists()
    assert not Notification.objects.filter(status=DeliveryStatus.PENDING).exists()
    sent = Notification.objects.filter(status=DeliveryStatus.SENT)
    assert not sent.filter(sent_at__isnull=True).exists()
    templates = set(Notification.objects.values_list("template", flat=True))
    assert {
        "referral_submitted_site",
        "referral_accepted_person",
        "referral_accepted_referrer",
        "referral_rejected_referrer",
        "referral_reminder_site",
        "referral_expired_referrer",
        "help_request_received_person",
    } <= templates


def test_seeding_is_deterministic():
    with transaction.atomic():
        seed("--profile", "ci")
        first = snapshot()
        transaction.set_rollback(True)
    assert not Referral.objects.exists()
    seed("--profile", "ci")
    second = snapshot()
    assert first == second
    assert len(first["referrals"]) == 40
    # A few names, always the same people.
    names = {(row[2], row[3]) for row in first["referrals"]}
    assert len(names) >= 35


def test_referrals_option_sets_the_count_and_zero_skips_them():
    seed("--profile", "ci", "--referrals", "0")
    assert Organisation.objects.exists()
    assert not Referral.objects.exists()
