import datetime

import factory
from django.utils import timezone

from tisser.accounts.enums import (
    ClosureReason,
    FunderKind,
    HabilitationStatus,
    OrganisationKind,
    PartnerKind,
    Role,
)
from tisser.accounts.models import (
    Closure,
    Funder,
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
)
from tisser.core.tokens import token_hash

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    kind = OrganisationKind.NETWORK
    name = "Réseau de test"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Espace {n}")
    short_code = factory.Sequence(lambda n: f"S{n:03d}")
    address = "1 rue de la Paix"
    postal_code = "67000"
    city = "Strasbourg"
    services = factory.LazyFunction(lambda: ["Aide aux démarches administratives"])


class ClosureFactory(factory.django.DjangoModelFactory):
    """A week of holidays starting in ten days."""

    class Meta:
        model = Closure

    site = factory.SubFactory(SiteFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=6))
    reason = ClosureReason.HOLIDAY


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    site = factory.SubFactory(SiteFactory)
    weekday = 0
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(12, 30)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n}")
    partner_kind = PartnerKind.CCAS
    habilitation_status = HabilitationStatus.VALIDATED


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Financeur {n}")
    funder_kind = FunderKind.FOUNDATION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(SiteFactory)
    role = Role.MEDIATOR


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation; its clear token is ``f"jeton-{n}"`` (only the hash is stored)."""

    class Meta:
        model = Invitation

    organisation = factory.SubFactory(SiteFactory)
    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    role = Role.MEDIATOR
    token_hash = factory.Sequence(lambda n: token_hash(f"jeton-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=72))
    invited_by = factory.SubFactory(UserFactory)
