"""The national digital-mediation vocabulary (reference-lists §1, La Coop de la médiation
numérique): codes stored exactly as upstream writes them, labels for display only."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Upstream's lists grow; a code is never renamed or deleted (reference-lists, "Rules").

# How long the author may edit or delete their own record (docs/decisions/0020).
AUTHOR_EDIT_DAYS = 7
# Bounds on what a record may say (house style: bounded inputs).
MAX_DURATION_MINUTES = 23 * 60 + 59
MAX_PARTICIPANTS = 500
# How far back a record may be dated, and how far ahead (a record is made after the fact).
MAX_PAST_DAYS = 366
MAX_FUTURE_DAYS = 0
# How many of the mediator's recent themes are offered first.
RECENT_THEMES = 5


class ActivityKind(models.TextChoices):
    INDIVIDUEL = "individuel", _("Accompagnement individuel")
    COLLECTIF = "collectif", _("Atelier collectif")


class Theme(models.TextChoices):
    """The 19 thematiques (§1.1); at least one per activity."""

    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", _("Diagnostic numérique")
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", _("Prendre en main du matériel")
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", _("Maintenance de matériel")
    GERE_SES_CONTENUS_NUMERIQUES = (
        "gere_ses_contenus_numeriques",
        _("Gérer ses contenus numériques"),
    )
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", _("Navigation sur internet")
    EMAIL = "email", _("E-mail")
    BUREAUTIQUE = "bureautique", _("Bureautique")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux communication")
    SANTE = "sante", _("Santé")
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", _("Banque et achats en ligne")
    ENTREPRENEURIAT = "entrepreneuriat", _("Accompagner un professionnel")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    SECURITE_NUMERIQUE = "securite_numerique", _("Prévention en sécurité numérique")
    PARENTALITE = "parentalite", _("Parentalité")
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", _("Scolarité et numérique")
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", _("Créer avec le numérique")
    CULTURE_NUMERIQUE = "culture_numerique", _("Culture numérique")
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", _("Intelligence artificielle (IA)")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        _("Aide aux démarches administratives"),
    )


class ProcedureTheme(models.TextChoices):
    """The 11 administrative sub-thematiques, allowed only with help with a procedure."""

    PAPIERS_ELECTIONS_CITOYENNETE = (
        "papiers_elections_citoyennete",
        _("Papiers - Élections - Citoyenneté"),
    )
    FAMILLE_SCOLARITE = "famille_scolarite", _("Famille - Scolarité")
    SOCIAL_SANTE = "social_sante", _("Social - Santé")
    TRAVAIL_FORMATION = "travail_formation", _("Travail - Formation - Entreprise")
    LOGEMENT = "logement", _("Logement")
    TRANSPORTS_MOBILITE = "transports_mobilite", _("Transports - Mobilité")
    ARGENT_IMPOTS = "argent_impots", _("Argent - Impôts")
    JUSTICE = "justice", _("Justice")
    ETRANGERS_EUROPE = "etrangers_europe", _("Étrangers - Europe")
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", _("Loisirs - Sports - Culture")
    ASSOCIATIONS = "associations", _("Associations")


# Both lists share the Coop's Thematique enum: one bit each in Activity.theme_mask, so that
# a list filtered by theme is one integer test (docs/decisions/0020).
THEME_BITS: dict[str, int] = {
    code: 1 << index for index, code in enumerate([*Theme.values, *ProcedureTheme.values])
}


class Operator(models.TextChoices):
    """Who runs the online service of a procedure (local list: each operator asks for its
    own count). Mapped to nothing upstream: the Coop keeps only the procedure's name."""

    CAF = "caf", _("CAF")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    ASSURANCE_MALADIE = "assurance_maladie", _("Assurance maladie")
    IMPOTS = "impots", _("impots.gouv")
    ANTS = "ants", _("ANTS")
    PREFECTURE = "prefecture", _("Préfecture")
    LA_POSTE = "la_poste", _("La Poste")
    ENERGIE = "energie", _("Fournisseur d'énergie")
    BANQUE = "banque", _("Banque")
    AUTRE = "autre", _("Autre")


class PlaceType(models.TextChoices):
    LIEU_ACTIVITE = "lieu_activite", _("Lieu d'activité")
    DOMICILE = "domicile", _("À domicile")
    A_DISTANCE = "a_distance", _("À distance")
    AUTRE = "autre", _("Autre lieu")


# Places where the commune must be given (the Coop asks for it there).
PLACES_WITH_COMMUNE = frozenset({PlaceType.DOMICILE, PlaceType.AUTRE})


class Equipment(models.TextChoices):
    ORDINATEUR = "ordinateur", _("Ordinateur")
    TELEPHONE = "telephone", _("Téléphone")
    TABLETTE = "tablette", _("Tablette")
    AUTRE = "autre", _("Autre")
    AUCUN = "aucun", _("Pas de matériel")


DURATION_PRESETS = (15, 30, 45, 60, 90, 120)


class Autonomy(models.TextChoices):
    """Individual only; exported as x/3."""

    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", _("Avec guidage")
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", _("Autonome avec guidage en cas de besoin")
    AUTONOME = "autonome", _("Autonome")


AUTONOMY_SCORE = {
    Autonomy.ENTIEREMENT_ACCOMPAGNE: 1,
    Autonomy.PARTIELLEMENT_AUTONOME: 2,
    Autonomy.AUTONOME: 3,
}


class RedirectionTarget(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration (mairie, préfecture…)")
    MEDIATION_NUMERIQUE = "mediation_numerique", _("Autre structure de médiation numérique")
    OPERATEUR = (
        "operateur_ou_organisme_en_charge",
        _("Opérateur ou organisme en charge de la démarche administrative"),
    )
    AIDE_SOCIALE = "aide_sociale", _("Structure d'aide sociale")
    INSERTION_PROFESSIONNELLE = (
        "insertion_professionnelle",
        _("Structure d'insertion professionnelle (France Travail, mission locale…)"),
    )
    AIDE_AUX_DEMARCHES = (
        "aide_aux_demarches_administratives",
        _("Structure d'aide aux démarches administratives (France Services…)"),
    )
    AUTRE = "autre", _("Autre")


class WorkshopLevel(models.TextChoices):
    DEBUTANT = "debutant", _("Débutant")
    INTERMEDIAIRE = "intermediaire", _("Intermédiaire")
    AVANCE = "avance", _("Avancé")


WORKSHOP_LEVEL_SCORE = {
    WorkshopLevel.DEBUTANT: 1,
    WorkshopLevel.INTERMEDIAIRE: 2,
    WorkshopLevel.AVANCE: 3,
}


class AgeBand(models.TextChoices):
    """Derived from the year of birth for a file; counted per band for anonymous people."""

    MOINS_DE_DOUZE = "moins_de_douze", _("Moins de 12 ans")
    DOUZE_DIX_HUIT = "douze_dix_huit", _("12 - 17 ans")
    DIX_HUIT_VINGT_QUATRE = "dix_huit_vingt_quatre", _("18 - 24 ans")
    VINGT_CINQ_TRENTE_NEUF = "vingt_cinq_trente_neuf", _("25 - 39 ans")
    QUARANTE_CINQUANTE_NEUF = "quarante_cinquante_neuf", _("40 - 59 ans")
    SOIXANTE_SOIXANTE_NEUF = "soixante_soixante_neuf", _("60 - 69 ans")
    SOIXANTE_DIX_PLUS = "soixante_dix_plus", _("70 ans et plus")
    NON_COMMUNIQUE = "non_communique", _("Non communiqué")


# Lower bound of each band, in years (the band of an age is the last one it reaches).
AGE_BAND_FLOORS = (
    (70, AgeBand.SOIXANTE_DIX_PLUS),
    (60, AgeBand.SOIXANTE_SOIXANTE_NEUF),
    (40, AgeBand.QUARANTE_CINQUANTE_NEUF),
    (25, AgeBand.VINGT_CINQ_TRENTE_NEUF),
    (18, AgeBand.DIX_HUIT_VINGT_QUATRE),
    (12, AgeBand.DOUZE_DIX_HUIT),
    (0, AgeBand.MOINS_DE_DOUZE),
)


class BeneficiaryStatus(models.TextChoices):
    """Same codes as beneficiaries.SocialStatus; the Coop's label for "unknown or mixed"."""

    SCOLARISE = "scolarise", _("Scolarisé")
    SANS_EMPLOI = "sans_emploi", _("Sans emploi")
    EN_EMPLOI = "en_emploi", _("En emploi")
    RETRAITE = "retraite", _("Retraité")
    NON_COMMUNIQUE = "non_communique", _("Non communiqué ou hétérogène")


class Gender(models.TextChoices):
    MASCULIN = "masculin", _("Masculin")
    FEMININ = "feminin", _("Féminin")
    NON_COMMUNIQUE = "non_communique", _("Non communiqué")


# The three attributes counted for anonymous participants, by key in Activity.anonymous_counts.
COUNTED_ATTRIBUTES: dict[str, type[models.TextChoices]] = {
    "age": AgeBand,
    "status": BeneficiaryStatus,
    "gender": Gender,
}
