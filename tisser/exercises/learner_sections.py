"""The practice exercises on the learner's home (the registry of tisser/core/learner_home.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.learner_home import LearnerSection
from tisser.exercises.models import Answer
from tisser.exercises.sequences import PRACTICE, PRACTICE_CONTEXT


def learner_sections(learner):
    """« M'entraîner », with how far the learner got (one query)."""
    kind, context_id = PRACTICE_CONTEXT
    done = (
        Answer.objects.filter(
            beneficiary=learner,
            context_kind=kind,
            context_id=context_id,
            item_key__in=PRACTICE,
        )
        .values("item_key")
        .distinct()
        .count()
    )
    badge = ""
    if done:
        badge = _("%(done)s sur %(total)s") % {"done": done, "total": len(PRACTICE)}
    yield LearnerSection(
        title=_("M'entraîner"),
        url=reverse("practice:start"),
        description=_("Quelques exercices pour essayer, à votre rythme."),
        order=10,
        badge=badge,
    )
