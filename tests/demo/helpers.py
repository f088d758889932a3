"""Helpers of the demo tests: run the seed command, and what a person would notice of it."""

from collections import Counter
from io import StringIO

from django.core.management import call_command

from tisser.accounts.models import (
    Funder,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
)
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


def seed_network(*args) -> str:
    """The full network and its people (the ``network`` profile): the demo's history —
    referrals, activities, stock — is checked by the tests of the ``ci`` profile (slow here)."""
    return seed("--profile", "network", *args)


def logins_output() -> str:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    return out.getvalue()


def network_snapshot() -> dict:
    """Everything a person would notice in the demo network, without database ids."""
    return {
        "organisations": sorted(Organisation.objects.values_list("kind", "name", "email", "phone")),
        "sites": sorted(
            Site.objects.values_list(
                "short_code",
                "name",
                "address",
                "postal_code",
                "city",
                "latitude",
                "longitude",
                "accessibility_notes",
                "services",
            )
        ),
        "hours": sorted(
            OpeningHours.objects.values_list("site__short_code", "weekday", "opens_at", "closes_at")
        ),
        "partners": sorted(
            Partner.objects.values_list("name", "partner_kind", "territory", "habilitation_status")
        ),
        "funders": sorted(Funder.objects.values_list("name", "funder_kind", "is_donor")),
        "users": sorted(User.objects.values_list("email", "first_name", "last_name")),
        "memberships": sorted(
            Membership.objects.values_list("user__email", "organisation__name", "role")
        ),
    }
