from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    CHOICE = "choice", _("Choix parmi des réponses")
    YES_NO = "yes_no", _("Oui ou non")
    ZONE = "zone", _("Toucher la bonne zone d'une image")
    ORDER = "order", _("Remettre des étapes dans l'ordre")
    FORM = "form", _("Remplir un formulaire en ligne")
    MAILBOX = "mailbox", _("Messagerie")
    TYPING = "typing", _("Taper un texte")
    POINTER = "pointer", _("Manier la souris ou le doigt")
    SIMULATION = "simulation", _("Simulation d'un service en ligne")


class ContextKind(models.TextChoices):
    """Which sitting an answer belongs to; diagnostics and modules add theirs (later issues)."""

    PRACTICE = "practice", _("Entraînement")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    MODULE = "module", _("Module")


LEVELS = {
    0: _("Niveau 0 : découverte"),
    1: _("Niveau 1 : débutant"),
    2: _("Niveau 2 : intermédiaire"),
    3: _("Niveau 3 : à l'aise"),
    4: _("Niveau 4 : autonome"),
}
