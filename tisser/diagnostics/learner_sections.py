"""« Mon diagnostic » on the learner's home (the registry of tisser/core/learner_home.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.learner_home import LearnerSection
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic


def learner_sections(learner):
    """« Mon diagnostic », with « En cours » or « Terminé » beside it (one query)."""
    statuses = set(
        Diagnostic.objects.filter(beneficiary=learner)
        .exclude(status=DiagnosticStatus.ABANDONED)
        .values_list("status", flat=True)
    )
    badge = ""
    if DiagnosticStatus.IN_PROGRESS in statuses:
        badge = _("En cours")
    elif DiagnosticStatus.FINISHED in statuses:
        badge = _("Terminé")
    yield LearnerSection(
        title=_("Mon diagnostic"),
        url=reverse("diagnostic:start"),
        description=_("Des questions simples pour savoir ce que vous savez déjà faire."),
        order=5,
        badge=badge,
    )
