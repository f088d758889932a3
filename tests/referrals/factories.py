"""Factories for referrals and appointments (the cross-site 404 matrix finds them by model).

``ReferralFactory(site=...)`` builds a draft sent by a validated partner of the site's
network, whose referrer is an active partner referrer. The traits give a referral in a
given status with the fields and the history that status implies (``submitted=True``,
``accepted=True``...); ``AppointmentFactory`` attaches a planned appointment.
"""

import datetime

import factory
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, PartnerFactory, SiteFactory, UserFactory
from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel
from tisser.core.names import search_key
from tisser.referrals.enums import AppointmentStatus, ReferralSource, ReferralStatus
from tisser.referrals.models import Appointment, ImportBatch, Referral, ReferralEvent


def _partner_for(referral):
    return PartnerFactory(network=referral.site.network)


def _referrer_for(referral):
    if referral.partner is None:
        return None
    return MembershipFactory(organisation=referral.partner, role=Role.PARTNER_REFERRER).user


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    partner = factory.LazyAttribute(_partner_for)
    referrer = factory.LazyAttribute(_referrer_for)
    source = ReferralSource.PARTNER
    status = ReferralStatus.DRAFT
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_year = 1980
    # A valid French mobile number in E.164 (the libphonenumber data rejects the ARCEP
    # fiction range 06 39 98, so the services would refuse it).
    phone = factory.Sequence(lambda n: f"+336123{n % 100000:05d}")
    preferred_channel = ContactChannel.SMS
    postal_code = "67000"
    commune = "Strasbourg"
    needs = factory.LazyFunction(lambda: ["skills"])
    reason = "Souhaite apprendre à faire ses démarches en ligne."
    notice_version = CURRENT_NOTICE_VERSION
    search_key = factory.LazyAttribute(lambda o: search_key(o.first_name, o.last_name))

    class Params:
        submitted = factory.Trait(
            status=ReferralStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            status_changed_at=factory.SelfAttribute("submitted_at"),
        )
        public = factory.Trait(
            source=ReferralSource.PUBLIC_REQUEST,
            partner=None,
            referrer=None,
            notice_version="",
        )

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        """One history row per status reached, so the chain is consistent from the start."""
        if not create or obj.status == ReferralStatus.DRAFT:
            return
        for from_status, to_status in path_to(obj.status):
            ReferralEvent.objects.create(
                referral=obj,
                from_status=from_status,
                to_status=to_status,
                at=obj.status_changed_at or timezone.now(),
            )


def path_to(status: str) -> list[tuple[str, str]]:
    """The shortest history that leads a draft to ``status``."""
    S = ReferralStatus
    chains = {
        S.DRAFT: [],
        S.MODERATION_PENDING: [(S.DRAFT, S.MODERATION_PENDING)],
        S.MODERATION_REJECTED: [
            (S.DRAFT, S.MODERATION_PENDING),
            (S.MODERATION_PENDING, S.MODERATION_REJECTED),
        ],
        S.SUBMITTED: [(S.DRAFT, S.SUBMITTED)],
        S.ACCEPTED: [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.ACCEPTED)],
        S.REJECTED: [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.REJECTED)],
        S.EXPIRED: [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.EXPIRED)],
        S.CANCELLED: [(S.DRAFT, S.CANCELLED)],
        S.CONSUMED: [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.ACCEPTED), (S.ACCEPTED, S.CONSUMED)],
    }
    return chains[status]


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A planned appointment. Given only ``site``, it accepts a new referral of that site;
    given ``referral``, it belongs to that referral's site."""

    class Meta:
        model = Appointment

    referral = None
    site = factory.Maybe(
        "referral",
        yes_declaration=factory.SelfAttribute("referral.site"),
        no_declaration=factory.SubFactory(SiteFactory),
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(minutes=30))
    place = "Accueil de l'espace, 1 rue de la Paix"
    status = AppointmentStatus.PLANNED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Without a file nor a walk-in's name, the appointment comes from a new referral.
        has_person = kwargs.get("beneficiary") is not None or kwargs.get("walk_in_name")
        if kwargs.get("referral") is None and not has_person:
            kwargs["referral"] = ReferralFactory(
                site=kwargs["site"],
                status=ReferralStatus.ACCEPTED,
                submitted_at=timezone.now() - datetime.timedelta(days=2),
            )
        return super()._create(model_class, *args, **kwargs)


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """An uploaded list, not yet confirmed (its parsed rows are not on disk)."""

    class Meta:
        model = ImportBatch

    organisation = factory.SubFactory(PartnerFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"liste-{n}.csv")
    file_sha256 = factory.Sequence(lambda n: f"{n:064x}")
    row_count = 3
