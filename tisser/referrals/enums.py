from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    MODERATION_PENDING = "moderation_pending", _("En attente de modération")
    MODERATION_REJECTED = "moderation_rejected", _("Refusé à la modération")
    SUBMITTED = "submitted", _("Envoyé")
    ACCEPTED = "accepted", _("Accepté, rendez-vous proposé")
    REJECTED = "rejected", _("Refusé")
    EXPIRED = "expired", _("Expiré")
    CANCELLED = "cancelled", _("Annulé")
    CONSUMED = "consumed", _("Personne venue")


OPEN_STATUSES = frozenset(
    {
        ReferralStatus.DRAFT,
        ReferralStatus.MODERATION_PENDING,
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
    }
)
FINAL_STATUSES = frozenset(set(ReferralStatus.values) - OPEN_STATUSES)


class ReferralSource(models.TextChoices):
    PARTNER = "partner", _("Prescripteur partenaire")
    PUBLIC_REQUEST = "public_request", _("Demande d'aide sur le site public")
    IMPORT = "import", _("Import de liste")


class Need(models.TextChoices):
    CONNECTION = "connection", _("Connexion (internet, forfait mobile)")
    EQUIPMENT = "equipment", _("Équipement (téléphone, ordinateur)")
    SKILLS = "skills", _("Apprendre à utiliser le numérique")
    ONLINE_PROCEDURES = "online_procedures", _("Démarches en ligne")


class OfferFamily(models.TextChoices):
    COMPUTER = "computer", _("Ordinateur reconditionné")
    SMARTPHONE = "smartphone", _("Téléphone reconditionné")
    SIM_CARD = "sim_card", _("Carte SIM")
    RECHARGE = "recharge", _("Recharge mobile")
    INTERNET_BOX = "internet_box", _("Box internet")
    TRAINING = "training", _("Ateliers et formation")
    ACCOMPANIMENT = "accompaniment", _("Accompagnement individuel")


class RejectionReason(models.TextChoices):
    """Dora's codes, accents included, plus Tisser's local ones (reference-lists §3.2)."""

    NON_JOIGNABLE = "bénéficiaire-non-joignable", _("Bénéficiaire non joignable")
    ABSENT = "bénéficiaire-absent", _("Bénéficiaire ne s'étant pas présenté à l'entretien")
    EN_EMPLOI = "bénéficiaire-en-emploi", _("Indisponible : en emploi")
    EN_FORMATION = "bénéficiaire-en-formation", _("Indisponible : en formation")
    NON_ELIGIBLE = "bénéficiaire-non-éligible", _("Bénéficiaire non éligible")
    NON_MOBILE = "bénéficiaire-non-mobile", _("Bénéficiaire non mobile")
    NON_INTERESSE = "bénéficiaire-non-intéressé", _("Bénéficiaire non intéressé")
    FREINS = "freins-périphériques", _("Freins périphériques")
    SESSION_COMPLETE = "session-complète", _("Session complète")
    DOUBLON = "orientation-en-doublon", _("Orientation en doublon")
    AUTRE = "autre", _("Autre")
    HORS_TERRITOIRE = "hors-territoire", _("Hors territoire")
    DEJA_BENEFICIAIRE = "deja-beneficiaire", _("Déjà bénéficiaire")


class AppointmentKind(models.TextChoices):
    """An individual appointment counts in the site's booking capacity and gets its own
    reminder; a programme session's appointment (training) does neither: the session has
    its seats and its reminder."""

    INDIVIDUAL = "individual", _("Rendez-vous individuel")
    SESSION = "session", _("Séance d'un programme")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    CAME = "came", _("Venu")
    NO_SHOW = "no_show", _("Pas venu")
    REBOOKED = "rebooked", _("Reporté")
    CANCELLED = "cancelled", _("Annulé")


# Delays of the referral lifecycle (issue 3): an unanswered referral expires after 30 days,
# the site is reminded every 10 days, and a no-show expires 30 days after the appointment.
ANSWER_DELAY_DAYS = 30
REMINDER_EVERY_DAYS = 10
NO_SHOW_DELAY_DAYS = 30
