"""Codes of the skills diagnostic (docs/decisions/0052-skills-diagnostic.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# "Autonomous" in a domain: level 3 or more (issue 13; used by every figure of issue 16).
AUTONOMY_LEVEL = 3
LEVEL_MIN, LEVEL_MAX = 0, 4


class DiagnosticKind(models.TextChoices):
    """Entry (at intake, form « entrée ») or exit (at the end, the parallel form « sortie »)."""

    ENTRY = "entry", _("Diagnostic d'entrée")
    EXIT = "exit", _("Diagnostic de sortie")


class DiagnosticMode(models.TextChoices):
    ASSISTED = "assisted", _("Avec un médiateur, à l'espace")
    ALONE = "alone", _("Seul, sur son téléphone")
    PAPER = "paper", _("Sur papier, saisi par l'équipe")


class DiagnosticStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En cours")
    FINISHED = "finished", _("Terminé")
    ABANDONED = "abandoned", _("Abandonné")
