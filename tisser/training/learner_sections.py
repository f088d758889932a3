"""The training app's sections on the learner's home (tisser/core/learner_home.py).

Shared by the helpers of issue 15: each appends its own block.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.learner_home import LearnerSection
from tisser.training.survey_selectors import learner_invitations


def learner_sections(learner):
    yield from _survey_sections(learner)


# --- Surveys (helper S) ---------------------------------------------------------------------


def _survey_sections(learner):
    """« Donner mon avis » while the learner has an open survey (one query)."""
    if not learner_invitations(learner=learner).exists():
        return
    yield LearnerSection(
        title=_("Donner mon avis"),
        url=reverse("surveys:mine"),
        description=_("Quelques questions courtes, sans votre nom si vous voulez."),
        order=4,
    )


# --- end Surveys (helper S) -----------------------------------------------------------------
