"""The demo's access rights and quota rules, written after the referrals' and files' demo.

The ``referral.consumed`` subscriber already opened a right for everyone who came with a
referral while the referrals' demo ran (on the day they came, on the demo clock). This
builder writes the network's settings and the three quota rules of issue 11, then opens in
bulk (one journal entry) the rights any consumed-referral file still lacks, and makes sure
the demo person followed through the journey — the first file of Strasbourg opened by a
referral — has an active right, and a household with the next such file.
Deterministic: the order of the rows decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.models import Beneficiary, HouseholdMember
from tisser.beneficiaries.services import household_link
from tisser.core import clock as core_clock
from tisser.core.clock import ManualClock
from tisser.core.journal import record
from tisser.funding.enums import OfferFamily
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.sales.enums import QuotaMeasure, QuotaPer, QuotaScope, QuotaWindow, RightOpening
from tisser.sales.models import AccessRight, AccessRightSettings, QuotaRule
from tisser.sales.services import access_right_open, period_end, settings_for

JOURNEY_SITE = "STRGAR"

DEMO_RULES = (
    {
        "name": "Recharges : 30 € de valeur faciale par mois",
        "scope": QuotaScope.FAMILIES,
        "families": [OfferFamily.RECHARGE.value],
        "per": QuotaPer.PERSON,
        "window": QuotaWindow.CALENDAR_MONTH,
        "measure": QuotaMeasure.AMOUNT,
        "max_amount": Decimal("30.00"),
    },
    {
        "name": "Un ordinateur portable par foyer tous les 3 ans",
        "scope": QuotaScope.FAMILY,
        "families": [OfferFamily.LAPTOP.value],
        "per": QuotaPer.HOUSEHOLD,
        "window": QuotaWindow.YEARS,
        "window_length": 3,
        "measure": QuotaMeasure.QUANTITY,
        "max_quantity": 1,
    },
    {
        "name": "Un smartphone par personne tous les 2 ans",
        "scope": QuotaScope.FAMILY,
        "families": [OfferFamily.SMARTPHONE.value],
        "per": QuotaPer.PERSON,
        "window": QuotaWindow.YEARS,
        "window_length": 2,
        "measure": QuotaMeasure.QUANTITY,
        "max_quantity": 1,
    },
)


@dataclass
class DemoRightsResult:
    rules: int
    rights: int
    opened_in_bulk: int
    journey_file: str


def seed_quota_rules(network: Organisation) -> list[QuotaRule]:
    rules = [QuotaRule(network=network, **values) for values in DEMO_RULES]
    for rule in rules:
        rule.full_clean()
    return QuotaRule.objects.bulk_create(rules)


def _consumed_files(network: Organisation):
    consumed = Referral.objects.filter(beneficiary=OuterRef("pk"), status=ReferralStatus.CONSUMED)
    return (
        Beneficiary.objects.active()
        .filter(site__network=network)
        .filter(Exists(consumed))
        .select_related("site")
        .order_by("pk")
    )


def seed_demo_rights(*, network: Organisation, clock: ManualClock) -> DemoRightsResult:
    clock.release()
    today = core_clock.localdate()
    AccessRightSettings.objects.get_or_create(network=network)
    rules = seed_quota_rules(network)
    settings = settings_for(network.pk)
    files = list(_consumed_files(network))
    with_right = set(
        AccessRight.objects.filter(network=network, beneficiary__in=files).values_list(
            "beneficiary_id", flat=True
        )
    )
    admin = (
        Membership.objects.active()
        .filter(organisation=network, role=Role.NETWORK_ADMIN)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    missing = [
        AccessRight(
            network=network,
            site=file.site,
            beneficiary=file,
            opened_by=RightOpening.REFERRAL,
            starts_on=today,
            ends_on=period_end(today, settings.duration_months),
        )
        for file in files
        if file.pk not in with_right
    ]
    AccessRight.objects.bulk_create(missing)
    if missing:
        record(
            actor=admin.user if admin else None,
            action="access_right.opened_in_bulk",
            obj=network,
            payload={"count": len(missing)},
        )
    journey = next((file for file in files if file.site.short_code == JOURNEY_SITE), None)
    journey_number = ""
    if journey is not None:
        journey_number = journey.file_number
        _journey_right_and_household(journey, files, today=today)
    return DemoRightsResult(
        rules=len(rules),
        rights=AccessRight.objects.filter(network=network).count(),
        opened_in_bulk=len(missing),
        journey_file=journey_number,
    )


def _journey_right_and_household(journey: Beneficiary, files, *, today) -> None:
    """The journey's person: an active right today, and a household with a neighbour file."""
    manager = (
        Membership.objects.active()
        .filter(organisation=journey.site, role=Role.SITE_MANAGER)
        .select_related("user", "organisation__site")
        .order_by("user__email")
        .first()
    )
    if manager is None:
        return
    right = AccessRight.objects.current().filter(beneficiary=journey).first()
    if right is None or right.status_on(today) != "active":
        access_right_open(
            actor=manager,
            beneficiary=journey,
            starts_on=today,
            reason="Parcours de démonstration",
        )
    partner = next(
        (
            file
            for file in files
            if file.site_id == journey.site_id
            and file.pk != journey.pk
            and not HouseholdMember.objects.current().filter(beneficiary=file).exists()
        ),
        None,
    )
    if (
        partner is not None
        and not HouseholdMember.objects.current().filter(beneficiary=journey).exists()
    ):
        household_link(actor=manager, beneficiary=journey, other=partner)
