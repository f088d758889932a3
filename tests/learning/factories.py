import datetime

import factory
from django.utils import timezone

from tests.accounts.factories import NetworkFactory, SiteFactory, UserFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core import clock
from tisser.learning.enums import StepOutcome
from tisser.learning.models import (
    LearnerGroup,
    LearningSettings,
    ModuleAssignment,
    ModuleProgress,
    StepResult,
)


class ModuleProgressFactory(factory.django.DjangoModelFactory):
    """A learner partway through a module (``finished=True``: with its end time)."""

    class Meta:
        model = ModuleProgress

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    module_key = factory.Sequence(lambda n: f"module-{n}")
    module_version = 1
    last_activity_at = factory.LazyFunction(timezone.now)

    class Params:
        # A few minutes after ``started_at``, which the clock sets when the row is saved.
        finished = factory.Trait(
            finished_at=factory.LazyFunction(lambda: clock.now() + datetime.timedelta(minutes=5))
        )


class StepResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepResult

    progress = factory.SubFactory(ModuleProgressFactory)
    step_id = factory.Sequence(lambda n: f"etape-{n}")
    outcome = StepOutcome.DONE
    completed_at = factory.LazyFunction(timezone.now)


class LearnerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnerGroup

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Groupe {n}")
    created_by = factory.SubFactory(UserFactory)


class ModuleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleAssignment

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    module_key = factory.Sequence(lambda n: f"module-{n}")
    assigned_by = factory.SubFactory(UserFactory)


class LearningSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSettings
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)
