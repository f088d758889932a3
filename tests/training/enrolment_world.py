"""A cohort with seats, its team and two sessions to come (helper E's tests)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.accounts.factories import MembershipFactory
from tests.referrals.factories import AppointmentFactory, ReferralFactory
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    ProgrammeFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts.enums import Role
from tisser.referrals.enums import ReferralStatus

MODULES_FIRST = ["mail-envoyer"]
MODULES_SECOND = ["mail-joindre", "mail-envoyer"]


@dataclass
class Team:
    site: object
    manager: object
    mediator: object
    volunteer: object
    admin: object
    cohort: object
    first: object
    second: object

    def accepted_referral(self, **kwargs):
        """An accepted referral of the site with its individual appointment, as accepting it
        leaves it."""
        referral = ReferralFactory(
            site=self.site,
            status=ReferralStatus.ACCEPTED,
            submitted_at=timezone.now() - datetime.timedelta(days=2),
            **kwargs,
        )
        AppointmentFactory(referral=referral)
        return referral


def build_team(site, network, *, capacity=2, start=None):
    start = start or (timezone.now() + datetime.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    programme = ProgrammeFactory(network=network)
    plan_first = ProgrammeSessionFactory(
        programme=programme, position=1, title="Accueil", modules=MODULES_FIRST
    )
    plan_second = ProgrammeSessionFactory(
        programme=programme, position=2, title="Pièces jointes", modules=MODULES_SECOND
    )
    cohort = CohortFactory(site=site, programme=programme, capacity=capacity, room="Salle 2")
    first = CohortSessionFactory(cohort=cohort, plan=plan_first, starts_at=start)
    second = CohortSessionFactory(
        cohort=cohort, plan=plan_second, starts_at=start + datetime.timedelta(days=2)
    )
    return Team(
        site=site,
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        cohort=cohort,
        first=first,
        second=second,
    )
