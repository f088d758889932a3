"""Codes of the self-paced learning modules (docs/decisions/0053-learning-modules.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# After this many misses on one step, the step shows the answer and moves on (never a dead
# end); the mediator sees it in the follow-up.
MISSES_BEFORE_ANSWER = 3


class StepKind(models.TextChoices):
    CARD = "card", _("Explication")
    EXERCISE = "exercise", _("Exercice")
    SIMULATION = "simulation", _("Simulation")
    RECAP = "recap", _("Ce que j'ai appris")


class StepOutcome(models.TextChoices):
    DONE = "done", _("Réussie")
    SHOWN = "shown", _("Réponse montrée après trois essais")
    READ = "read", _("Lue")


class DeviceFit(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    COMPUTER = "computer", _("Ordinateur")
    BOTH = "both", _("Téléphone ou ordinateur")
