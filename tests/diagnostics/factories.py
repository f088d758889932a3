import factory
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult


class DiagnosticFactory(factory.django.DjangoModelFactory):
    """A sitting in progress, taken alone (``finished=True``: finished, with its end time)."""

    class Meta:
        model = Diagnostic

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    site = factory.SelfAttribute("beneficiary.site")
    kind = DiagnosticKind.ENTRY
    mode = DiagnosticMode.ALONE
    domains = factory.LazyFunction(lambda: ["appareil", "securite"])
    form_version = "0" * 64

    class Params:
        finished = factory.Trait(
            status=DiagnosticStatus.FINISHED,
            finished_at=factory.LazyFunction(timezone.now),
            item_count=18,
        )


class DiagnosticResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiagnosticResult

    diagnostic = factory.SubFactory(DiagnosticFactory, finished=True)
    domain = "appareil"
    level = 2
