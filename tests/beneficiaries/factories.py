"""Factories for people's files and consents (the cross-site 404 matrix finds them by model).

``BeneficiaryFactory(site=...)`` builds an active file with a unique number, a normalised
search key and the information notice recorded, as ``beneficiary_create`` would.
"""

import factory
from django.utils import timezone

from tests.accounts.factories import SiteFactory, UserFactory
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    ConsentKind,
    PeriodCloseReason,
    PeriodOpening,
)
from tisser.beneficiaries.models import (
    AccompanimentPeriod,
    Beneficiary,
    Consent,
    FileNote,
    Household,
    HouseholdMember,
)
from tisser.core.names import search_key


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    site = factory.SubFactory(SiteFactory)
    file_number = factory.Sequence(lambda n: f"TST-{n:06d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_year = 1980
    phone = ""
    notice_given_on = factory.LazyFunction(timezone.localdate)
    notice_version = CURRENT_NOTICE_VERSION
    search_key = factory.LazyAttribute(lambda o: search_key(o.first_name, o.last_name))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    kind = ConsentKind.NEWS_SMS
    given_at = factory.LazyFunction(timezone.now)


class AccompanimentPeriodFactory(factory.django.DjangoModelFactory):
    """An open period of a file of ``site`` (``closed=True``: closed as autonomous)."""

    class Meta:
        model = AccompanimentPeriod

    site = factory.SubFactory(SiteFactory)
    beneficiary = factory.SubFactory(BeneficiaryFactory, site=factory.SelfAttribute("..site"))
    opened_on = factory.LazyFunction(timezone.localdate)
    opened_by = PeriodOpening.FIRST_VISIT

    class Params:
        closed = factory.Trait(
            closed_on=factory.SelfAttribute("opened_on"),
            close_reason=PeriodCloseReason.AUTONOMOUS,
        )


class FileNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileNote

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    author = factory.SubFactory(UserFactory)
    text = "A besoin d'aide pour son dossier de retraite."


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    site = factory.SubFactory(SiteFactory)


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    beneficiary = factory.SubFactory(
        BeneficiaryFactory, site=factory.SelfAttribute("..household.site")
    )
    joined_at = factory.LazyFunction(timezone.now)
