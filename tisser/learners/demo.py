"""The demo's learner cards: one for every demo file, and the demo learner to follow.

Written in bulk (two inserts however many files), each card "made" by a manager of the
file's space an hour after the file was opened, journaled like ``card_issue`` does. The
seed of a demo card is derived from the file number, so the same demo gives the same codes
every time it is seeded with the same ``SECRET_KEY`` (the codes still differ from one
installation to the next, and the demo never runs in production).

The demo learner is the person the walkthrough follows from the team's side to the
learner's: the first file (by number) of the demo mediator's space, Strasbourg Gare.
``demo_logins`` prints their code.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Min

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.models import Beneficiary
from tisser.core import journal
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.learners import codes
from tisser.learners.models import LearnerCard
from tisser.learners.services import CARD_VALID_DAYS

ISSUED_AFTER = datetime.timedelta(hours=1)


@dataclass
class DemoCardsResult:
    cards: int


@dataclass(frozen=True)
class DemoLearner:
    first_name: str
    last_initial: str
    file_number: str
    site_name: str
    code: str


def demo_seed(file_number: str) -> str:
    return hashlib.sha256(f"tisser-demo-learner-card:{file_number}".encode()).hexdigest()


def _issuers(network: Organisation) -> dict[int, Membership]:
    """One manager (else mediator) per site of the network, found in one query."""
    rows = (
        Membership.objects.active()
        .filter(organisation__site__network=network, role__in=(Role.SITE_MANAGER, Role.MEDIATOR))
        .select_related("user")
        .order_by("role", "user__email")  # "mediator" < "site_manager": prefer managers below
    )
    found: dict[int, Membership] = {}
    for membership in rows:
        current = found.get(membership.organisation_id)
        if current is None or (
            membership.role == Role.SITE_MANAGER and current.role != Role.SITE_MANAGER
        ):
            found[membership.organisation_id] = membership
    return found


def seed_demo_cards(*, network: Organisation, clock: ManualClock) -> DemoCardsResult:
    clock.release()
    real_now = clock_now()
    issuers = _issuers(network)
    files = list(
        Beneficiary.objects.active()
        .filter(site__network=network, learner_cards__isnull=True)
        .only("pk", "site_id", "file_number", "created_at")
        .order_by("pk")
    )
    cards = []
    for person in files:
        issued_at = min(person.created_at + ISSUED_AFTER, real_now - datetime.timedelta(minutes=1))
        seed = demo_seed(person.file_number)
        issuer = issuers.get(person.site_id)
        cards.append(
            LearnerCard(
                beneficiary_id=person.pk,
                site_id=person.site_id,
                seed=seed,
                code_hash=codes.code_hash(codes.code_from_seed(seed)),
                token_hash=codes.token_hash(codes.token_from_seed(seed)),
                issued_by=issuer.user if issuer else None,
                issued_at=issued_at,
                expires_at=issued_at + datetime.timedelta(days=CARD_VALID_DAYS),
            )
        )
    created = LearnerCard.objects.bulk_create(cards, batch_size=1000)
    by_file = {person.pk: person for person in files}
    entries = []
    for card in created:
        issuer = issuers.get(card.site_id)
        entries.append(
            journal.build_entry(
                actor=issuer.user if issuer else None,
                action="learner_card.issued",
                obj=card,
                site=card.site_id,
                payload={
                    "file_number": by_file[card.beneficiary_id].file_number,
                    "expires": card.expires_at.date().isoformat(),
                },
                at=card.issued_at,
            )
        )
    journal.record_many(entries)
    return DemoCardsResult(cards=len(created))


def demo_learner() -> DemoLearner | None:
    """The demo learner to follow, with their code (None before the demo is seeded)."""
    first = (
        Beneficiary.objects.active()
        .filter(site__name=STRASBOURG_SITE, learner_cards__revoked_at__isnull=True)
        .aggregate(number=Min("file_number"))["number"]
    )
    if first is None:
        return None
    card = (
        LearnerCard.objects.usable()
        .select_related("beneficiary", "site")
        .filter(beneficiary__file_number=first)
        .first()
    )
    if card is None:
        return None
    person = card.beneficiary
    return DemoLearner(
        first_name=person.first_name,
        last_initial=(person.last_name[:1] + ".") if person.last_name else "",
        file_number=person.file_number,
        site_name=card.site.name,
        code=codes.grouped(card.code),
    )
