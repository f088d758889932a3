"""Diagnostics built straight on the models (the cross-site 404 matrix finds these by model).

``DiagnosticFactory(beneficiary=...)`` is an assisted entry sitting in progress on the
file's site; ``DiagnosticFactory(finished=True)`` a finished one. ``DiagnosticResultFactory``
is one domain's level of a diagnostic. Tests that need answers add ``AnswerFactory`` rows
with ``context_kind="diagnostic"`` and ``context_id=str(diagnostic.pk)``.
"""

import factory

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.core import clock
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult

DOMAINS = ["appareil", "informations", "communiquer", "demarches", "securite"]


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    class Params:
        finished = factory.Trait(
            status=DiagnosticStatus.FINISHED,
            finished_at=factory.LazyFunction(clock.now),
        )

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    site = factory.SelfAttribute("beneficiary.site")
    period = None
    kind = DiagnosticKind.ENTRY
    mode = DiagnosticMode.ASSISTED
    status = DiagnosticStatus.IN_PROGRESS
    domains = factory.LazyFunction(lambda: list(DOMAINS))
    context = factory.LazyFunction(dict)
    form_version = "0" * 64
    item_count = 0


class DiagnosticResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiagnosticResult

    diagnostic = factory.SubFactory(DiagnosticFactory, finished=True)
    domain = "appareil"
    level = 1
