"""« Mes modules » on the learner's home (the registry of tisser/core/learner_home.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.learner_home import LearnerSection
from tisser.learning.models import ModuleProgress


def learner_sections(learner):
    """« Mes modules », with how many are under way (one query)."""
    under_way = ModuleProgress.objects.filter(beneficiary=learner, finished_at__isnull=True).count()
    badge = _("%(count)s en cours") % {"count": under_way} if under_way else ""
    yield LearnerSection(
        title=_("Mes modules"),
        url=reverse("learning:path"),
        description=_("Des leçons courtes pour apprendre pas à pas, à votre rythme."),
        order=8,
        badge=badge,
    )
