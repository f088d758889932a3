from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("Réseau")
    SITE = "site", _("Espace de solidarité numérique")
    PARTNER = "partner", _("Partenaire prescripteur")
    FUNDER = "funder", _("Financeur ou donateur")


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Administrateur du réseau")
    SITE_MANAGER = "site_manager", _("Responsable d'espace")
    MEDIATOR = "mediator", _("Médiateur numérique")
    VOLUNTEER = "volunteer", _("Bénévole")
    PARTNER_REFERRER = "partner_referrer", _("Prescripteur partenaire")
    FUNDER_VIEWER = "funder_viewer", _("Financeur (lecture)")
    ACCOUNTANT = "accountant", _("Comptabilité")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganisationKind.NETWORK: (Role.NETWORK_ADMIN, Role.ACCOUNTANT),
    OrganisationKind.SITE: (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER),
    OrganisationKind.PARTNER: (Role.PARTNER_REFERRER,),
    OrganisationKind.FUNDER: (Role.FUNDER_VIEWER,),
}

# Every role that opens a person's file or a referral must use two-factor authentication,
# and so does the accounting role, which reads tax receipts bearing donors' names; funders
# see aggregates only (docs/decisions/0014-two-factor-for-every-role.md, 0036).
ROLES_REQUIRING_TWO_FACTOR = frozenset(
    {
        Role.NETWORK_ADMIN,
        Role.ACCOUNTANT,
        Role.SITE_MANAGER,
        Role.MEDIATOR,
        Role.VOLUNTEER,
        Role.PARTNER_REFERRER,
    }
)
# Roles that may manage the members of their own organisation.
ROLES_MANAGING_TEAM = frozenset({Role.NETWORK_ADMIN, Role.SITE_MANAGER})


class PartnerKind(models.TextChoices):
    """Prescriber kinds, codes of les emplois de l'inclusion (reference-lists §3.1)."""

    FT = "FT", _("France Travail")
    CAF = "CAF", _("Caisse d'allocations familiales")
    CCAS = "CCAS", _("Centre communal ou intercommunal d'action sociale")
    DEPT = "DEPT", _("Service social du conseil départemental")
    ML = "ML", _("Mission locale")
    CAP_EMPLOI = "CAP_EMPLOI", _("Cap emploi")
    CHRS = "CHRS", _("Centre d'hébergement et de réinsertion sociale")
    CHU = "CHU", _("Centre d'hébergement d'urgence")
    CADA = "CADA", _("Centre d'accueil de demandeurs d'asile")
    SPIP = "SPIP", _("Service pénitentiaire d'insertion et de probation")
    ORIENTEUR = "Orienteur", _("Autre organisation (orienteur)")
    AUTRE = "Autre", _("Autre")


class HabilitationStatus(models.TextChoices):
    """Accreditation codes of les emplois de l'inclusion (reference-lists §3.1)."""

    NOT_SET = "NOT_SET", _("Habilitation en attente de validation")
    VALIDATED = "VALIDATED", _("Habilitation validée")
    REFUSED = "REFUSED", _("Validation de l'habilitation refusée")
    NOT_REQUIRED = "NOT_REQUIRED", _("Pas d'habilitation nécessaire")


class FunderKind(models.TextChoices):
    OPERATOR = "operator", _("Opérateur télécom")
    CITY = "city", _("Commune")
    METROPOLIS = "metropolis", _("Métropole ou intercommunalité")
    FOUNDATION = "foundation", _("Fondation")
    FAMILY_ALLOWANCE_FUND = "family_allowance_fund", _("Caisse d'allocations familiales")
    EMPLOYMENT_SERVICE = "employment_service", _("Service public de l'emploi")
    STATE = "state", _("État")
    OTHER = "other", _("Autre")


class PlaceService(models.TextChoices):
    """Services of the national digital-mediation places standard (reference-lists §2.1).

    The standard's file uses the label itself as the value, so the code is the label.
    """

    AIDE_DEMARCHES = "Aide aux démarches administratives", _("Aide aux démarches administratives")
    OUTILS_QUOTIDIEN = (
        "Maîtrise des outils numériques du quotidien",
        _("Maîtrise des outils numériques du quotidien"),
    )
    INSERTION_PRO = (
        "Insertion professionnelle via le numérique",
        _("Insertion professionnelle via le numérique"),
    )
    USAGE_SECURISE = "Utilisation sécurisée du numérique", _("Utilisation sécurisée du numérique")
    PARENTALITE = (
        "Parentalité et éducation avec le numérique",
        _("Parentalité et éducation avec le numérique"),
    )
    LOISIRS = "Loisirs et créations numériques", _("Loisirs et créations numériques")
    COMPREHENSION = "Compréhension du monde numérique", _("Compréhension du monde numérique")
    ACCES_INTERNET = (
        "Accès internet et matériel informatique",
        _("Accès internet et matériel informatique"),
    )
    MATERIEL_SOLIDAIRE = (
        "Acquisition de matériel informatique à prix solidaire",
        _("Acquisition de matériel informatique à prix solidaire"),
    )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lundi")
    TUESDAY = 1, _("Mardi")
    WEDNESDAY = 2, _("Mercredi")
    THURSDAY = 3, _("Jeudi")
    FRIDAY = 4, _("Vendredi")
    SATURDAY = 5, _("Samedi")
    SUNDAY = 6, _("Dimanche")


class ClosureReason(models.TextChoices):
    """Why a site closes for a few days (shown to the team and to people who book)."""

    HOLIDAY = "holiday", _("Congés")
    LEAVE = "leave", _("Absence de l'équipe")
    TRAINING = "training", _("Formation de l'équipe")
    WORKS = "works", _("Travaux")
    OTHER = "other", _("Fermeture exceptionnelle")
