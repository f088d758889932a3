"""Reads of the sales app, scoped by the acting membership."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.offers.models import Offer
from tisser.sales.enums import RenewalDecision, RightStatus
from tisser.sales.models import AccessRight, AccessRightRenewal, QuotaRule

EXPIRING_DAYS = 30


def right_list(
    *, membership, status: str = "", expiring: bool = False, today: datetime.date | None = None
) -> QuerySet[AccessRight]:
    """The current rights of the files this member sees, soonest end first."""
    today = today or clock.localdate()
    rights = AccessRight.objects.visible_to(membership).current()
    if status in RightStatus.values:
        rights = rights.status_on(status, today)
    if expiring:
        rights = rights.status_on(RightStatus.ACTIVE, today).filter(
            ends_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
        )
    return rights.select_related("beneficiary", "site").order_by("ends_on", "pk")


def person_rights(*, membership, beneficiary: Beneficiary) -> list[AccessRight]:
    """Every right of a file the member sees, newest first, with their renewal requests."""
    return list(
        AccessRight.objects.visible_to(membership)
        .filter(beneficiary=beneficiary)
        .select_related("site")
        .prefetch_related("renewals")
        .order_by("-is_current", "-starts_on", "-pk")
    )


def pending_renewals(*, membership) -> QuerySet[AccessRightRenewal]:
    return (
        AccessRightRenewal.objects.visible_to(membership)
        .filter(decision=RenewalDecision.PENDING)
        .select_related("access_right__beneficiary")
        .order_by("requested_at", "pk")
    )


def rule_list(*, membership) -> QuerySet[QuotaRule]:
    return (
        QuotaRule.objects.visible_to(membership)
        .select_related("offer")
        .order_by("-is_active", "name", "pk")
    )


def network_offers(*, membership) -> QuerySet[Offer]:
    return Offer.objects.visible_to(membership).order_by("family", "name")
