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
    """Codes of les emplois de l'inclusion, plus Tisser's local ones (reference-lists §3.3).

    Labels say plainly what ticking the box means (docs/decisions/0035-eligibility-criteria.md).
    """

    RSA = "RSA", _("Reçoit le RSA")
    ASS = "ASS", _("Reçoit l'allocation de solidarité spécifique (ASS)")
    AAH = "AAH", _("Reçoit l'allocation aux adultes handicapés (AAH)")
    PI = "PI", _("Élève seul ses enfants (parent isolé)")
    TH = "TH", _("Reconnu(e) travailleur handicapé (RQTH)")
    DELD = "DELD", _("Demandeur d'emploi depuis 12 à 24 mois")
    DETLD = "DETLD", _("Demandeur d'emploi depuis 24 mois ou plus")
    JEUNE = "JEUNE", _("A moins de 26 ans")
    SENIOR = "SENIOR", _("A plus de 50 ans")
    CAP_BEP = "CAP_BEP", _("Pas de diplôme au-dessus du CAP ou du BEP")
    ASE = "ASE", _("Suivi(e) par l'aide sociale à l'enfance, aujourd'hui ou avant")
    PSH_PR = "PSH_PR", _("Sans logement à soi (à la rue, en foyer ou hébergé(e))")
    REF_DA = "REF_DA", _("Réfugié(e), protégé(e) ou demandeur d'asile")
    QPV = "QPV", _("Habite un quartier prioritaire de la ville (QPV)")
    ZRR = "ZRR", _("Habite une zone rurale aidée (ZRR ou ZFRR)")
    DETENTION_MJ = "DETENTION_MJ", _("Sortant(e) de prison ou suivi(e) par la justice")
    FLE = "FLE", _("Parle peu ou pas le français")
    PM = "PM", _("A du mal à se déplacer")
    SANS_EQUIPEMENT = "SANS_EQUIPEMENT", _("N'a pas d'appareil qui convient")
    SANS_CONNEXION = "SANS_CONNEXION", _("N'a pas de connexion suffisante")
    SANS_COMPTE_BANCAIRE = "SANS_COMPTE_BANCAIRE", _("N'a pas de compte bancaire")
    RESTE_A_VIVRE = "RESTE_A_VIVRE", _("Très peu d'argent une fois les charges payées")


# One plain-French sentence beside each criterion: what ticking it means, and when.
CRITERION_EXPLANATIONS = {
    EligibilityCriterion.RSA: _(
        "La personne touche le revenu de solidarité active, même une petite somme."
    ),
    EligibilityCriterion.ASS: _(
        "Une aide de France Travail versée quand les droits au chômage sont finis."
    ),
    EligibilityCriterion.AAH: _(
        "Une aide de la CAF ou de la MSA pour les adultes en situation de handicap."
    ),
    EligibilityCriterion.PI: _("La personne vit seule avec au moins un enfant à charge."),
    EligibilityCriterion.TH: _(
        "La MDPH lui a donné la reconnaissance de travailleur handicapé, en cours de validité."
    ),
    EligibilityCriterion.DELD: _(
        "Inscrite à France Travail sans interruption depuis 12 à 24 mois."
    ),
    EligibilityCriterion.DETLD: _(
        "Inscrite à France Travail sans interruption depuis 24 mois ou plus."
    ),
    EligibilityCriterion.JEUNE: _("Calculé à partir de l'année de naissance."),
    EligibilityCriterion.SENIOR: _("Calculé à partir de l'année de naissance."),
    EligibilityCriterion.CAP_BEP: _(
        "La personne n'a pas le bac : son plus haut diplôme est un CAP, un BEP ou moins."
    ),
    EligibilityCriterion.ASE: _(
        "La personne a été confiée à l'aide sociale à l'enfance, même il y a longtemps."
    ),
    EligibilityCriterion.PSH_PR: _(
        "La personne dort dehors, en foyer, à l'hôtel social ou chez quelqu'un."
    ),
    EligibilityCriterion.REF_DA: _(
        "La personne a le statut de réfugié ou une protection, ou a demandé l'asile."
    ),
    EligibilityCriterion.QPV: _(
        "Son adresse est dans un quartier prioritaire (vérifiable sur sig.ville.gouv.fr)."
    ),
    EligibilityCriterion.ZRR: _(
        "Sa commune est classée zone de revitalisation rurale ou France ruralités revitalisation."
    ),
    EligibilityCriterion.DETENTION_MJ: _(
        "La personne sort de détention ou a une mesure de justice en cours."
    ),
    EligibilityCriterion.FLE: _(
        "La personne a besoin d'aide pour comprendre ou parler le français."
    ),
    EligibilityCriterion.PM: _(
        "Pas de voiture, pas de transport en commun proche, ou un handicap qui gêne."
    ),
    EligibilityCriterion.SANS_EQUIPEMENT: _(
        "Ni ordinateur ni smartphone qui marche assez bien pour ses démarches."
    ),
    EligibilityCriterion.SANS_CONNEXION: _(
        "Pas d'internet à la maison, ou un forfait trop petit pour ses démarches."
    ),
    EligibilityCriterion.SANS_COMPTE_BANCAIRE: _(
        "La personne n'a pas de compte à son nom pour recevoir ou payer."
    ),
    EligibilityCriterion.RESTE_A_VIVRE: _(
        "Après le loyer et les factures, il lui reste très peu pour vivre."
    ),
}

# Criteria that other questions of the form already answer, so they are never asked as
# boxes: the time registered as a jobseeker (the jobseeker question) and the age (the birth
# year). Forms set them from those answers (docs/decisions/0035-eligibility-criteria.md).
JOBSEEKER_DURATION_CRITERIA = (EligibilityCriterion.DELD, EligibilityCriterion.DETLD)
AGE_CRITERIA = (EligibilityCriterion.JEUNE, EligibilityCriterion.SENIOR)
DERIVED_CRITERIA = (*JOBSEEKER_DURATION_CRITERIA, *AGE_CRITERIA)
ASKED_CRITERIA = [
    (code, label) for code, label in EligibilityCriterion.choices if code not in DERIVED_CRITERIA
]
YOUNG_BEFORE_AGE = 26
SENIOR_FROM_AGE = 51


def age_criteria(birth_year: int | None, current_year: int) -> list[str]:
    """JEUNE or SENIOR from the birth year alone: the age the person reaches this year."""
    if birth_year is None:
        return []
    age = current_year - birth_year
    if age < YOUNG_BEFORE_AGE:
        return [EligibilityCriterion.JEUNE]
    if age >= SENIOR_FROM_AGE:
        return [EligibilityCriterion.SENIOR]
    return []


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
    # The person's entry skills diagnostic (with a mediator, or alone with their card).
    DIAGNOSTIC = "diagnostic", _("Diagnostic d'entrée")


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
