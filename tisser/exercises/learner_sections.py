"""The practice exercises on the learner's home (the registry of tisser/core/learner_home.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.learner_home import LearnerSection


def learner_sections(learner):
    yield LearnerSection(
        title=_("M'entraîner"),
        url=reverse("practice:start"),
        description=_("Quelques exercices pour essayer, à votre rythme."),
        order=10,
    )
