from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    CALL = "call", _("Appel téléphonique")
    EMAIL = "email", _("E-mail")
    REFERRER = "referrer", _("Par le prescripteur")


class SocialStatus(models.TextChoices):
    """Codes of La Coop de la médiation numérique (reference-lists §1.4)."""

    SCOLARISE = "scolarise", _("Scolarisé")
    SANS_EMPLOI = "sans_emploi", _("Sans emploi")
    EN_EMPLOI = "en_emploi", _("En emploi")
    RETRAITE = "retraite", _("Retraité")
    NON_COMMUNIQUE = "non_communique", _("Non communiqué")


class Nationality(models.TextChoices):
    """The only nationality values the CNIL référentiel allows (reference-lists §6)."""

    FR = "FR", _("Française")
    UE = "UE", _("Union européenne")
    HORS_UE = "HORS_UE", _("Hors Union européenne")


class EligibilityCriterion(models.TextChoices):
    """Codes of les emplois de l'inclusion, plus Tisser's local ones (reference-lists §3.3)."""

    RSA = "RSA", _("Bénéficiaire du RSA")
    ASS = "ASS", _("Allocataire ASS")
    AAH = "AAH", _("Allocation aux adultes handicapés")
    PI = "PI", _("Parent isolé")
    TH = "TH", _("Travailleur handicapé")
    DELD = "DELD", _("Demandeur d'emploi de longue durée (12 à 24 mois)")
    DETLD = "DETLD", _("Demandeur d'emploi de très longue durée (24 mois et plus)")
    JEUNE = "JEUNE", _("Jeune (moins de 26 ans)")
    SENIOR = "SENIOR", _("Senior (plus de 50 ans)")
    CAP_BEP = "CAP_BEP", _("Niveau d'étude 3 (CAP, BEP) ou infra")
    ASE = "ASE", _("Aide sociale à l'enfance")
    PSH_PR = "PSH_PR", _("Personne sans hébergement ou hébergée ou ayant un parcours de rue")
    REF_DA = "REF_DA", _("Réfugié statutaire, protégé, ou demandeur d'asile")
    QPV = "QPV", _("Résident QPV")
    ZRR = "ZRR", _("Résident ZRR/ZFRR")
    DETENTION_MJ = "DETENTION_MJ", _("Sortant de détention ou sous main de justice")
    FLE = "FLE", _("Maîtrise de la langue française")
    PM = "PM", _("Problème de mobilité")
    SANS_EQUIPEMENT = "SANS_EQUIPEMENT", _("Sans équipement adapté")
    SANS_CONNEXION = "SANS_CONNEXION", _("Sans connexion suffisante")
    SANS_COMPTE_BANCAIRE = "SANS_COMPTE_BANCAIRE", _("Sans compte bancaire")
    RESTE_A_VIVRE = "RESTE_A_VIVRE", _("Tranche de reste à vivre")


class ConsentKind(models.TextChoices):
    """Optional uses, each agreed separately and withdrawable at any time."""

    NEWS_SMS = "news_sms", _("Recevoir les nouvelles de l'espace par SMS")
    NEWS_EMAIL = "news_email", _("Recevoir les nouvelles de l'espace par e-mail")
    PHOTOS = "photos", _("Apparaître sur des photos de l'espace")
    SURVEYS = "surveys", _("Répondre à des enquêtes de satisfaction")


# The information notice given to every person before their data is recorded.
# Bump the version whenever the notice text (docs/guides/notice-information.md) changes.
CURRENT_NOTICE_VERSION = "2026-11"


class PeriodOpening(models.TextChoices):
    """What opened an accompaniment period."""

    FIRST_VISIT = "first_visit", _("Première venue")
    REFERRAL = "referral", _("Bon d'orientation utilisé")
    STAFF = "staff", _("Ouverte par l'équipe")


class PeriodCloseReason(models.TextChoices):
    """Why an accompaniment period ended (the closed list of issue 8)."""

    AUTONOMOUS = "autonomous", _("La personne est autonome")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Orientée vers une autre structure")
    MOVED = "moved", _("La personne a déménagé")
    UNREACHABLE = "unreachable", _("La personne n'est plus joignable")
    OTHER = "other", _("Autre")


# A period without any contact for this long is closed as "no longer reachable" by the daily
# job (docs/decisions/0022-accompaniment-periods.md).
PERIOD_IDLE_MONTHS = 6
PERIOD_IDLE_DAYS = 183
