"""Codes of programmes, cohorts, workshops and surveys (docs/decisions/0054-training.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A certificate of completion goes to a person whose hours attended reach this share of the
# programme's hours, unless the programme sets another share.
DEFAULT_COMPLETION_PERCENT = 80
# The longest session a programme plan may hold (a full day with its breaks).
MAX_SESSION_MINUTES = 10 * 60
MAX_CAPACITY = 200
# Six months after the end of a programme or a period, the outcome questions are sent.
OUTCOME_AFTER_DAYS = 182


class SessionDiagnostic(models.TextChoices):
    NONE = "", _("Aucun")
    ENTRY = "entry", _("Diagnostic d'entrée")
    EXIT = "exit", _("Diagnostic de sortie")


class EnrolmentStatus(models.TextChoices):
    WAITING = "waiting", _("Liste d'attente")
    ENROLLED = "enrolled", _("Inscrit")
    DROPPED = "dropped", _("Abandon")


class DropReason(models.TextChoices):
    JOB = "job", _("A trouvé un emploi")
    TRAINING = "training", _("Est entré en formation")
    HEALTH = "health", _("Raison de santé")
    FAMILY = "family", _("Raison familiale")
    MOVED = "moved", _("A déménagé")
    NO_SHOW = "no_show", _("Ne vient plus, sans nouvelles")
    NOT_SUITED = "not_suited", _("Le programme ne correspond pas")
    OTHER = "other", _("Autre raison")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent")
    LATE = "late", _("En retard")
    EXCUSED = "excused", _("Absent excusé")
    ABSENT = "absent", _("Absent")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulé")


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction")
    OUTCOME = "outcome", _("Six mois après")


class SurveyChannel(models.TextChoices):
    PHONE = "phone", _("Sur son téléphone")
    TABLET = "tablet", _("Sur la tablette de l'espace")
