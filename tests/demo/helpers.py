"""Helpers of the demo tests: run the seed command, and what a person would notice of it."""

from collections import Counter
from io import StringIO

from django.core.management import call_command

from tisser.beneficiaries.models import Beneficiary
from tisser.notifications.models import Notification
from tisser.referrals.models import Appointment, Referral, ReferralEvent


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """What a person would notice in the demo referrals, without ids nor dates."""
    return {
        "referrals": sorted(
            Referral.objects.values_list(
                "status",
                "source",
                "first_name",
                "last_name",
                "birth_year",
                "phone",
                "email",
                "site__short_code",
                "partner__name",
                "referrer__email",
                "rejection_message",
            )
        ),
        "files": sorted(
            Beneficiary.objects.values_list("file_number", "first_name", "last_name", "phone")
        ),
        "appointments": Counter(Appointment.objects.values_list("status", flat=True)),
        "messages": Counter(Notification.objects.values_list("template", "channel", "status")),
        "events": Counter(ReferralEvent.objects.values_list("from_status", "to_status")),
    }
