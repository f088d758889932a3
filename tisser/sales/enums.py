"""Codes of the sales app: access rights and quota rules (docs/decisions/0046, 0047)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RightOpening(models.TextChoices):
    REFERRAL = "referral", _("bon d'orientation honoré")
    DECISION = "decision", _("décision du responsable de l'espace")


class RightStatus(models.TextChoices):
    """Computed from the dates and the events, never stored (see AccessRight.status_on)."""

    FUTURE = "future", _("à venir")
    ACTIVE = "active", _("actif")
    SUSPENDED = "suspended", _("suspendu")
    EXPIRED = "expired", _("expiré")
    CLOSED = "closed", _("clos")


class RightCloseReason(models.TextChoices):
    """Why a right ended before its date (an expired right needs no reason: its date passed)."""

    ELIGIBILITY_LOST = "eligibility_lost", _("la personne ne remplit plus les conditions")
    MOVED = "moved", _("la personne a déménagé")
    MISUSE = "misuse", _("usage abusif (revente, fraude)")
    REOPENED = "reopened", _("remplacé par un nouveau droit")
    MERGED = "merged", _("doublon fusionné dans un autre dossier")
    OTHER = "other", _("autre motif")


class RenewalDecision(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")


class QuotaScope(models.TextChoices):
    OFFER = "offer", _("une offre")
    FAMILY = "family", _("une famille d'offres")
    FAMILIES = "families", _("plusieurs familles (montant cumulé)")


class QuotaPer(models.TextChoices):
    PERSON = "person", _("par personne")
    HOUSEHOLD = "household", _("par foyer")


class QuotaWindow(models.TextChoices):
    CALENDAR_MONTH = "calendar_month", _("par mois civil")
    ROLLING_DAYS = "rolling_days", _("sur N jours glissants")
    ACCESS_RIGHT = "access_right", _("pendant le droit d'accès")
    YEARS = "years", _("sur N ans")
    LIFETIME = "lifetime", _("une fois pour toutes")


class QuotaMeasure(models.TextChoices):
    QUANTITY = "quantity", _("quantité")
    AMOUNT = "amount", _("montant en valeur faciale")
