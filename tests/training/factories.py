"""Factories for programmes, cohorts, sessions, enrolments, attendance, workshops and
surveys (the cross-site matrix finds them by model).

``CohortFactory(site=...)`` runs a programme of the site's network; a session, an
enrolment, an attendance or a registration hangs off the site of its cohort or workshop.
"""

import datetime
import hashlib
import secrets

import factory
from django.utils import timezone

from tests.accounts.factories import (
    FunderFactory,
    NetworkFactory,
    PartnerFactory,
    SiteFactory,
    UserFactory,
)
from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.funding.factories import ConventionFactory
from tests.referrals.factories import ReferralFactory
from tisser.activities.enums import Theme, WorkshopLevel
from tisser.training.enums import (
    AttendanceStatus,
    EnrolmentStatus,
    RegistrationStatus,
    SurveyChannel,
    SurveyKind,
)
from tisser.training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    Programme,
    ProgrammeSession,
    SurveyInvitation,
    SurveyResponse,
    Workshop,
    WorkshopRegistration,
)


def token_hash() -> str:
    return hashlib.sha256(secrets.token_bytes(16)).hexdigest()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Parcours numérique vers l'emploi {n}")
    objective = "Savoir faire seul ses démarches de recherche d'emploi en ligne."
    total_minutes = 32 * 60
    target_participants = 400
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 12, 31)
    eligible_public = "Demandeurs d'emploi orientés par France Travail"
    # The referring partner and the convention's funder are of the programme's network.
    partner = factory.SubFactory(PartnerFactory, network=factory.SelfAttribute("..network"))
    convention = factory.SubFactory(
        ConventionFactory,
        funder=factory.SubFactory(FunderFactory, network=factory.SelfAttribute("...network")),
    )


class ProgrammeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeSession

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Séance {n + 1}")
    duration_minutes = 240


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    programme = factory.SubFactory(
        ProgrammeFactory, network=factory.SelfAttribute("..site.network")
    )
    name = factory.Sequence(lambda n: f"Groupe {n}")
    room = "Salle 1"
    capacity = 12
    starts_on = datetime.date(2026, 3, 2)
    weekdays = factory.LazyFunction(lambda: [0, 2])
    start_time = datetime.time(9, 0)

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.set(extracted)


def _session_start(session):
    return timezone.make_aware(
        datetime.datetime.combine(session.cohort.starts_on, session.cohort.start_time)
    )


class CohortSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortSession

    cohort = factory.SubFactory(CohortFactory)
    plan = factory.SubFactory(
        ProgrammeSessionFactory, programme=factory.SelfAttribute("..cohort.programme")
    )
    starts_at = factory.LazyAttribute(_session_start)
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + datetime.timedelta(minutes=o.plan.duration_minutes)
    )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    beneficiary = factory.SubFactory(
        BeneficiaryFactory, site=factory.SelfAttribute("..cohort.site")
    )
    referral = factory.SubFactory(ReferralFactory, site=factory.SelfAttribute("..cohort.site"))
    status = EnrolmentStatus.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(CohortSessionFactory)
    enrolment = factory.SubFactory(
        EnrolmentFactory, cohort=factory.SelfAttribute("..session.cohort")
    )
    status = AttendanceStatus.PRESENT
    recorded_by = factory.SubFactory(UserFactory)
    recorded_at = factory.LazyFunction(timezone.now)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    site = factory.SubFactory(SiteFactory)
    title = "Découvrir sa boîte e-mail"
    theme = Theme.values[0]
    level = WorkshopLevel.values[0]
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
        )
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "Salle informatique"
    capacity = 8
    mediator = factory.SubFactory(UserFactory)


class WorkshopRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopRegistration

    workshop = factory.SubFactory(WorkshopFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    phone = factory.Sequence(lambda n: f"+3363998{n % 10000:04d}")
    status = RegistrationStatus.CONFIRMED
    cancel_token_hash = factory.LazyFunction(token_hash)


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvitation

    kind = SurveyKind.SATISFACTION
    site = factory.SubFactory(SiteFactory)
    period = factory.SubFactory(AccompanimentPeriodFactory, site=factory.SelfAttribute("..site"))
    beneficiary = factory.SelfAttribute("period.beneficiary")
    token_hash = factory.LazyFunction(token_hash)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    kind = SurveyKind.SATISFACTION
    site = factory.SubFactory(SiteFactory)
    answered_on = factory.LazyFunction(timezone.localdate)
    channel = SurveyChannel.PHONE
    answers = factory.LazyFunction(lambda: {"ensemble": 5})
    overall = 5
