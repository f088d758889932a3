"""A cohort with a session that has started and three enrolled people (helper R's tests)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.accounts.factories import MembershipFactory, SiteFactory, UserFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.training.factories import (
    CohortFactory,
    CohortSessionFactory,
    EnrolmentFactory,
    ProgrammeSessionFactory,
)
from tisser.accounts.enums import Role

# The factories' first session: Monday 2 March 2026, 9:00 to 13:00 (Paris).
SESSION_START = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
DURING = SESSION_START + datetime.timedelta(hours=1)
AFTER = SESSION_START + datetime.timedelta(days=1)


@dataclass
class Class:
    site: object
    cohort: object
    session: object
    enrolments: list
    mediator: object
    manager: object
    volunteer: object
    trainer: object
    admin: object


def a_class(*, people: int = 3, minutes: int = 240, names=None) -> Class:
    site = SiteFactory()
    trainer_user = UserFactory()
    cohort = CohortFactory(site=site, trainers=[trainer_user])
    plan = ProgrammeSessionFactory(
        programme=cohort.programme, duration_minutes=minutes, position=1, title="Mon CV en ligne"
    )
    session = CohortSessionFactory(cohort=cohort, plan=plan, room="Salle Rhin")
    names = names or [("Amel", "Bensaïd"), ("Bruno", "Colin"), ("Chloé", "Durand")][:people]
    enrolments = [
        EnrolmentFactory(
            cohort=cohort,
            beneficiary=BeneficiaryFactory(site=site, first_name=first, last_name=last),
        )
        for first, last in names
    ]
    return Class(
        site=site,
        cohort=cohort,
        session=session,
        enrolments=enrolments,
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        trainer=MembershipFactory(user=trainer_user, organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=site.network, role=Role.NETWORK_ADMIN),
    )
