"""Codes of the impact figures (decision 0055)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    PEOPLE = "people", _("personnes")
    COUNT = "count", _("nombre")
    HOURS = "hours", _("heures")
    EUROS = "euros", _("euros")
    DAYS = "days", _("jours")
    RATE = "rate", _("taux")


class Measure(models.TextChoices):
    """How an indicator is drawn from its rows."""

    PEOPLE = "people", _("personnes distinctes")  # distinct files (exact, see decision 0055)
    SUM = "sum", _("somme")  # the sum of the rows' amounts
    RATIO = "ratio", _("rapport")  # numerator ÷ denominator, two other indicators


class Group(models.TextChoices):
    """The groups of the dashboards and of the XLSX sheets."""

    WELCOME = "welcome", _("Accueil et accompagnement")
    REFERRALS = "referrals", _("Orientations")
    SKILLS = "skills", _("Diagnostics et compétences")
    LEARNING = "learning", _("Modules et formations")
    OFFERS = "offers", _("Offres solidaires")
    DONATIONS = "donations", _("Dons en nature")


class FacetKind(models.TextChoices):
    """A filter stored inside the roll-ups (each roll-up row has at most one facet)."""

    PROGRAMME = "programme", _("programme")
    PARTNER = "partner", _("partenaire")
    DOTATION = "dotation", _("dotation")


class Reach(models.TextChoices):
    """How a funder's conventions narrow an indicator."""

    SITES = "sites", _("les espaces couverts, pendant la convention")
    DOTATIONS = "dotations", _("ce que ses dotations ont donné")
    PROGRAMMES = "programmes", _("les programmes qu'il finance")


class Grain(models.TextChoices):
    DAY = "d", _("jour")
    MONTH = "m", _("mois")
    YEAR = "y", _("année")


class ReportKind(models.TextChoices):
    FUNDER = "funder", _("Rapport au financeur")
    YEARLY = "yearly", _("Rapport annuel d'activité du réseau")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en préparation")
    READY = "ready", _("prêt")
    FAILED = "failed", _("en échec")
