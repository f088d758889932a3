"""The demo's accompaniment periods and team notes, written after the referrals' demo.

Periods of people who came with a referral are already open (the ``referral.consumed``
subscriber did it when the demo marked them "came"). This builder opens the periods of the
people who came to the counter without one (their first visit), closes some of the older
periods with each reason of the list, and writes a few team notes, each step at its own
moment on the demo's clock. Deterministic: no random draw, the order of the rows decides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.enums import PeriodCloseReason, PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary
from tisser.beneficiaries.services import (
    accompaniment_period_close,
    accompaniment_period_open_if_none,
    file_note_create,
)
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now

# One older period in this many is closed; the reasons follow this order.
CLOSE_ONE_IN = 3
CLOSE_REASONS = (
    (PeriodCloseReason.AUTONOMOUS, ""),
    (PeriodCloseReason.AUTONOMOUS, ""),
    (PeriodCloseReason.REFERRED_ELSEWHERE, "Orientée vers France Services pour sa retraite."),
    (PeriodCloseReason.MOVED, ""),
    (PeriodCloseReason.UNREACHABLE, "Trois appels sans réponse."),
    (PeriodCloseReason.OTHER, "Accompagnée désormais par sa fille."),
)
# A period must have lasted this long before the demo closes it.
MIN_DAYS_BEFORE_CLOSING = 21
NOTES = (
    "Sait envoyer un e-mail seule depuis la dernière séance. Prochaine étape : la CAF.",
    "Préfère être appelée le matin. Vient avec son petit-fils le mercredi.",
    "Téléphone reçu du partenaire : écran fissuré, à signaler pour un remplacement.",
)
NOTED_FILES_PER_SITE = 3


@dataclass
class DemoFilesResult:
    opened: int
    closed: int
    notes: int


def _managers(network: Organisation) -> dict[int, Membership]:
    memberships = (
        Membership.objects.active()
        .filter(organisation__site__network=network, role=Role.SITE_MANAGER)
        .select_related("user")
        .order_by("user__email")
    )
    found: dict[int, Membership] = {}
    for membership in memberships:
        found.setdefault(membership.organisation_id, membership)
    return found


def _at(clock: ManualClock, day: datetime.date, hour: int, *, real_now) -> None:
    """The clock at ``hour`` on ``day``, never past the moment the demo is seeded."""
    moment = datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())
    clock.move_to(min(moment, real_now - datetime.timedelta(minutes=1)))


def seed_demo_files(*, network: Organisation, clock: ManualClock) -> DemoFilesResult:
    clock.release()
    real_now = clock_now()
    today = timezone.localdate(real_now)
    managers = _managers(network)
    files = Beneficiary.objects.active().filter(site__network=network).order_by("pk")
    opened = closed = notes = 0
    # People who came to the counter on their own: their period starts with that visit.
    for beneficiary in files.filter(periods__isnull=True).select_related("site"):
        manager = managers.get(beneficiary.site_id)
        if manager is None:
            continue
        clock.move_to(beneficiary.created_at)
        accompaniment_period_open_if_none(
            actor=manager,
            beneficiary=beneficiary,
            site=beneficiary.site,
            on=timezone.localdate(beneficiary.created_at),
            opened_by=PeriodOpening.FIRST_VISIT,
        )
        opened += 1
    # Some of the older periods end, with every reason of the list.
    older = (
        AccompanimentPeriod.objects.open()
        .filter(site__network=network)
        .filter(opened_on__lte=today - datetime.timedelta(days=2 * MIN_DAYS_BEFORE_CLOSING))
        .select_related("beneficiary")
        .order_by("pk")
    )
    for index, period in enumerate(older):
        if index % CLOSE_ONE_IN:
            continue
        manager = managers.get(period.beneficiary.site_id)
        if manager is None:
            continue
        reason, note = CLOSE_REASONS[closed % len(CLOSE_REASONS)]
        lasted = MIN_DAYS_BEFORE_CLOSING + (period.pk % MIN_DAYS_BEFORE_CLOSING)
        _at(clock, period.opened_on + datetime.timedelta(days=lasted), 16, real_now=real_now)
        accompaniment_period_close(actor=manager, period=period, reason=reason, note=note)
        closed += 1
    # The team's notes on a few files of each space.
    for site_id, manager in managers.items():
        noted = (
            AccompanimentPeriod.objects.open()
            .filter(beneficiary__site_id=site_id)
            .select_related("beneficiary")
            .order_by("opened_on", "pk")[:NOTED_FILES_PER_SITE]
        )
        for index, period in enumerate(noted):
            _at(clock, period.opened_on + datetime.timedelta(days=7), 11, real_now=real_now)
            file_note_create(
                actor=manager, beneficiary=period.beneficiary, text=NOTES[index % len(NOTES)]
            )
            notes += 1
    clock.release()
    return DemoFilesResult(opened=opened, closed=closed, notes=notes)
