"""The demo network: fixed, fictitious data shaped on the press release in shared/seed/.

Everything here is a constant so that two runs build exactly the same network. Phone
numbers come from the ranges that ARCEP reserves for fiction (01 99 00…, 03 53 01…,
04 65 71…, 05 36 49…, 02 61 91…), e-mail addresses use the demo.tisser.fr domain,
and people's names are invented. Never load this in production (see ``refusal_reason``).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model

from tisser.accounts.enums import (
    ClosureReason,
    FunderKind,
    HabilitationStatus,
    OrganisationKind,
    PartnerKind,
    PlaceService,
    Role,
)
from tisser.accounts.models import (
    Closure,
    Funder,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
)
from tisser.accounts.validators import luhn_is_valid
from tisser.core import clock, journal

# Shared by every demo account. At least 12 characters and absent from common-password lists.
DEMO_PASSWORD = "Tisser-Liens-Solidaires-2019"
DEMO_EMAIL_DOMAIN = "demo.tisser.fr"

# --- Opening hours -------------------------------------------------------------------------

MON, TUE, WED, THU, FRI, SAT = range(6)


def _t(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


MORNING = (_t("09:30"), _t("12:30"))
AFTERNOON = (_t("13:30"), _t("17:30"))
LATE_AFTERNOON = (_t("14:00"), _t("18:30"))

# Each pattern maps a weekday to its slots (a morning and/or an afternoon).
HOURS_WEEKDAYS = {
    MON: (MORNING, AFTERNOON),
    TUE: (MORNING, AFTERNOON),
    WED: (MORNING,),
    THU: (MORNING, AFTERNOON),
    FRI: (MORNING, AFTERNOON),
}
HOURS_WITH_SATURDAY = {
    MON: (AFTERNOON,),
    TUE: (MORNING, AFTERNOON),
    WED: (MORNING, AFTERNOON),
    THU: (MORNING, AFTERNOON),
    FRI: (MORNING, AFTERNOON),
    SAT: (MORNING,),
}
HOURS_LATE = {
    MON: (LATE_AFTERNOON,),
    TUE: (MORNING, LATE_AFTERNOON),
    WED: (LATE_AFTERNOON,),
    THU: (MORNING, LATE_AFTERNOON),
    FRI: (LATE_AFTERNOON,),
}


# --- Definitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSite:
    short_code: str
    name: str
    address: str
    postal_code: str
    city: str
    latitude: str
    longitude: str
    phone: str
    email_local: str
    accessibility_notes: str
    services: tuple[str, ...]
    hours: dict = field(hash=False)
    # Shown on the space's public page (empty: no presentation paragraph).
    description: str = ""


@dataclass(frozen=True)
class DemoPartner:
    name: str
    partner_kind: str
    territory: str
    habilitation_status: str
    phone: str = ""
    email_local: str = ""


@dataclass(frozen=True)
class DemoFunder:
    name: str
    funder_kind: str
    is_donor: bool
    email_local: str = ""


@dataclass(frozen=True)
class DemoLogin:
    """One demo account per role, shown by ``manage.py demo_logins`` and in the README."""

    email: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    # Extra memberships (organisation name, role), to demonstrate the organisation switcher.
    other_memberships: tuple[tuple[str, str], ...] = ()


S = PlaceService
ALL_CORE_SERVICES = (
    S.AIDE_DEMARCHES,
    S.OUTILS_QUOTIDIEN,
    S.INSERTION_PRO,
    S.USAGE_SECURISE,
    S.ACCES_INTERNET,
    S.MATERIEL_SOLIDAIRE,
)

NETWORK_NAME = "Réseau Tisser — Solidarité numérique"
NETWORK_EMAIL_LOCAL = "contact"
NETWORK_PHONE = "01 99 00 10 00"

STRASBOURG_SITE = "Espace Strasbourg Gare"
PARIS_BELLEVILLE_SITE = "Espace Paris Belleville"

SITES: tuple[DemoSite, ...] = (
    DemoSite(
        "PARBEL",
        PARIS_BELLEVILLE_SITE,
        "26 rue Ramponeau",
        "75020",
        "Paris",
        "48.870930",
        "2.379880",
        "01 99 00 11 20",
        "paris-belleville",
        "Accès de plain-pied, toilettes adaptées, boucle magnétique à l'accueil.",
        (*ALL_CORE_SERVICES, S.PARENTALITE),
        HOURS_WITH_SATURDAY,
        description=(
            "Au cœur de Belleville, une grande salle avec dix ordinateurs en accès libre. "
            "Des ateliers pour les parents le mercredi."
        ),
    ),
    DemoSite(
        "PARFLA",
        "Espace Paris Flandre",
        "118 avenue de Flandre",
        "75019",
        "Paris",
        "48.890410",
        "2.377260",
        "01 99 00 11 90",
        "paris-flandre",
        "Au rez-de-chaussée, entrée par la cour. Un ascenseur mène à la salle d'atelier.",
        (S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN, S.INSERTION_PRO, S.ACCES_INTERNET),
        HOURS_WEEKDAYS,
    ),
    DemoSite(
        "LILMOU",
        "Espace Lille Moulins",
        "47 rue d'Arras",
        "59000",
        "Lille",
        "50.621380",
        "3.068510",
        "03 53 01 20 10",
        "lille-moulins",
        "Accès de plain-pied. Places de stationnement réservées devant l'entrée.",
        (*ALL_CORE_SERVICES, S.COMPREHENSION),
        HOURS_WEEKDAYS,
    ),
    DemoSite(
        "LILFIV",
        "Espace Lille Fives",
        "15 rue Pierre Legrand",
        "59800",
        "Lille",
        "50.632760",
        "3.086920",
        "03 53 01 20 80",
        "lille-fives",
        "Deux marches à l'entrée, rampe amovible sur demande à l'accueil.",
        (S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN, S.USAGE_SECURISE, S.PARENTALITE),
        HOURS_LATE,
    ),
    DemoSite(
        "MARBEL",
        "Espace Marseille Belsunce",
        "34 cours Belsunce",
        "13001",
        "Marseille",
        "43.299140",
        "5.377320",
        "04 65 71 30 10",
        "marseille-belsunce",
        "Accès de plain-pied, accueil en français, arabe et anglais.",
        ALL_CORE_SERVICES,
        HOURS_WITH_SATURDAY,
    ),
    DemoSite(
        "LYOGUI",
        "Espace Lyon Guillotière",
        "52 Grande Rue de la Guillotière",
        "69007",
        "Lyon",
        "45.753920",
        "4.848370",
        "04 65 71 40 70",
        "lyon-guillotiere",
        "Au premier étage avec ascenseur, toilettes adaptées.",
        (*ALL_CORE_SERVICES, S.LOISIRS),
        HOURS_WEEKDAYS,
    ),
    DemoSite(
        "LYOVAI",
        "Espace Lyon Vaise",
        "21 rue de Bourgogne",
        "69009",
        "Lyon",
        "45.774180",
        "4.805660",
        "04 65 71 40 90",
        "lyon-vaise",
        "Accès de plain-pied, salle calme disponible pour les entretiens.",
        (S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN, S.INSERTION_PRO),
        HOURS_LATE,
    ),
    DemoSite(
        "BORBAS",
        "Espace Bordeaux Bastide",
        "63 avenue Thiers",
        "33100",
        "Bordeaux",
        "44.842370",
        "-0.556210",
        "05 36 49 50 10",
        "bordeaux-bastide",
        "Accès de plain-pied, tram A arrêt Jardin botanique à 200 m.",
        (*ALL_CORE_SERVICES, S.PARENTALITE),
        HOURS_WEEKDAYS,
    ),
    DemoSite(
        "TLSMIR",
        "Espace Toulouse Mirail",
        "9 allée de Bellefontaine",
        "31100",
        "Toulouse",
        "43.567860",
        "1.402810",
        "05 36 49 60 10",
        "toulouse-mirail",
        "Accès de plain-pied, métro A arrêt Bellefontaine.",
        (S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN, S.INSERTION_PRO, S.MATERIEL_SOLIDAIRE),
        HOURS_WITH_SATURDAY,
    ),
    DemoSite(
        "GREVIL",
        "Espace Grenoble Villeneuve",
        "40 avenue Marie Reynoard",
        "38100",
        "Grenoble",
        "45.164430",
        "5.729370",
        "04 65 71 50 10",
        "grenoble-villeneuve",
        "Au rez-de-chaussée, ascenseur vers la salle d'atelier, toilettes adaptées.",
        (S.AIDE_DEMARCHES, S.OUTILS_QUOTIDIEN, S.USAGE_SECURISE, S.COMPREHENSION),
        HOURS_WEEKDAYS,
    ),
    DemoSite(
        "NTEBEL",
        "Espace Nantes Bellevue",
        "12 place Mendès-France",
        "44100",
        "Nantes",
        "47.208760",
        "-1.610070",
        "02 61 91 70 10",
        "nantes-bellevue",
        "Accès de plain-pied, tram 1 arrêt Mendès-France Bellevue.",
        (*ALL_CORE_SERVICES, S.LOISIRS),
        HOURS_LATE,
    ),
    # The twelfth space, the first of the Grand Est, opened with the city's support.
    DemoSite(
        "STRGAR",
        STRASBOURG_SITE,
        "18 rue du Faubourg National",
        "67000",
        "Strasbourg",
        "48.581340",
        "7.737960",
        "03 53 01 67 00",
        "strasbourg",
        (
            "Accès de plain-pied, toilettes adaptées, boucle magnétique à l'accueil. "
            "Tram C arrêt Faubourg National."
        ),
        (*ALL_CORE_SERVICES, S.PARENTALITE, S.COMPREHENSION),
        HOURS_WITH_SATURDAY,
        description=(
            "Un espace ouvert à tous, près de la gare. Venez avec ou sans rendez-vous : "
            "un médiateur vous aide à faire vos démarches ou à utiliser votre téléphone."
        ),
    ),
)

PARTNERS: tuple[DemoPartner, ...] = (
    # Bas-Rhin: the employment-service agencies of the 32-hour programme and the social actors.
    DemoPartner(
        "France Travail Strasbourg Hautepierre",
        PartnerKind.FT,
        "Strasbourg — Hautepierre, Cronenbourg, Koenigshoffen",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 10",
        "ft-hautepierre",
    ),
    DemoPartner(
        "France Travail Strasbourg Meinau",
        PartnerKind.FT,
        "Strasbourg — Meinau, Neuhof, Neudorf",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 11",
        "ft-meinau",
    ),
    DemoPartner(
        "France Travail Schiltigheim",
        PartnerKind.FT,
        "Schiltigheim, Bischheim, Hoenheim",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 12",
        "ft-schiltigheim",
    ),
    DemoPartner(
        "CAF du Bas-Rhin — action sociale",
        PartnerKind.CAF,
        "Bas-Rhin",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 20",
        "caf-action-sociale",
    ),
    DemoPartner(
        "CCAS de Strasbourg",
        PartnerKind.CCAS,
        "Strasbourg",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 30",
        "ccas-strasbourg",
    ),
    DemoPartner(
        "Mission locale pour l'emploi de Strasbourg",
        PartnerKind.ML,
        "Eurométropole de Strasbourg",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 40",
        "mission-locale-strasbourg",
    ),
    DemoPartner(
        "CHRS Les Berges de l'Ill",
        PartnerKind.CHRS,
        "Strasbourg",
        HabilitationStatus.VALIDATED,
        "03 53 01 67 50",
        "chrs-berges-ill",
    ),
    DemoPartner(
        "Centre d'hébergement d'urgence du Port du Rhin",
        PartnerKind.CHU,
        "Strasbourg",
        HabilitationStatus.NOT_SET,
        "03 53 01 67 51",
        "chu-port-du-rhin",
    ),
    DemoPartner(
        "Association Lire et Écrire à Neudorf",
        PartnerKind.AUTRE,
        "Strasbourg — Neudorf",
        HabilitationStatus.NOT_SET,
        "03 53 01 67 60",
        "lire-ecrire-neudorf",
    ),
    DemoPartner(
        "Collectif Entraide Koenigshoffen",
        PartnerKind.AUTRE,
        "Strasbourg — Koenigshoffen",
        HabilitationStatus.REFUSED,
        "03 53 01 67 61",
        "entraide-koenigshoffen",
    ),
    # A few partners of the other spaces.
    DemoPartner(
        "France Travail Paris 20e Belleville",
        PartnerKind.FT,
        "Paris 19e et 20e",
        HabilitationStatus.VALIDATED,
        "01 99 00 12 00",
        "ft-paris-belleville",
    ),
    DemoPartner(
        "CCAS de Lille",
        PartnerKind.CCAS,
        "Lille",
        HabilitationStatus.VALIDATED,
        "03 53 01 20 30",
        "ccas-lille",
    ),
    DemoPartner(
        "Mission locale de Marseille",
        PartnerKind.ML,
        "Marseille",
        HabilitationStatus.VALIDATED,
        "04 65 71 30 30",
        "mission-locale-marseille",
    ),
    DemoPartner(
        "Maison départementale des solidarités Bordeaux Bastide",
        PartnerKind.DEPT,
        "Gironde — Bordeaux rive droite",
        HabilitationStatus.VALIDATED,
        "05 36 49 50 30",
        "mds-bordeaux-bastide",
    ),
    DemoPartner(
        "CADA Lyon Vaise",
        PartnerKind.CADA,
        "Lyon 9e",
        HabilitationStatus.VALIDATED,
        "04 65 71 40 30",
        "cada-lyon-vaise",
    ),
)

FUNDERS: tuple[DemoFunder, ...] = (
    DemoFunder("Opérateur télécom partenaire", FunderKind.OPERATOR, True, "operateur"),
    DemoFunder("Ville de Strasbourg", FunderKind.CITY, False, "ville-strasbourg"),
    DemoFunder("Eurométropole de Strasbourg", FunderKind.METROPOLIS, False, "eurometropole"),
    DemoFunder("Fondation SNCF", FunderKind.FOUNDATION, False, "fondation-sncf"),
    DemoFunder("CAF du Bas-Rhin", FunderKind.FAMILY_ALLOWANCE_FUND, False, "caf-bas-rhin"),
    DemoFunder(
        "France Travail Bas-Rhin", FunderKind.EMPLOYMENT_SERVICE, False, "france-travail-67"
    ),
)


def _demo_email(local: str) -> str:
    return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _optional_demo_email(local: str) -> str:
    """Some demo partners and funders have no contact address: keep the field empty."""
    return _demo_email(local) if local else ""


LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(_demo_email("admin"), "Nadia", "Benali", Role.NETWORK_ADMIN, NETWORK_NAME),
    DemoLogin(
        _demo_email("responsable"),
        "Claire",
        "Meyer",
        Role.SITE_MANAGER,
        STRASBOURG_SITE,
        other_memberships=((PARIS_BELLEVILLE_SITE, Role.MEDIATOR),),
    ),
    DemoLogin(_demo_email("mediateur"), "Karim", "Haddad", Role.MEDIATOR, STRASBOURG_SITE),
    DemoLogin(_demo_email("benevole"), "Odile", "Schmitt", Role.VOLUNTEER, STRASBOURG_SITE),
    DemoLogin(
        _demo_email("prescripteur"),
        "Julien",
        "Roth",
        Role.PARTNER_REFERRER,
        "France Travail Strasbourg Hautepierre",
    ),
    DemoLogin(
        _demo_email("financeur"), "Sophie", "Keller", Role.FUNDER_VIEWER, "Ville de Strasbourg"
    ),
    DemoLogin(_demo_email("comptable"), "Martine", "Lefebvre", Role.ACCOUNTANT, NETWORK_NAME),
)

# The rest of each team: a manager for every other space and two mediators per space.
# Invented names, combined in a fixed order so that every run gives the same people.
TEAM_FIRST_NAMES = (
    "Amina", "Bruno", "Chloé", "David", "Élise", "Farid", "Gaëlle", "Hugo", "Inès", "Jean",
    "Kenza", "Louis", "Maëlle", "Nicolas", "Océane", "Paul", "Rania", "Samuel", "Thi Mai",
    "Ulysse", "Valérie", "Wassim", "Yasmine", "Zoé",
)  # fmt: skip
TEAM_LAST_NAMES = (
    "Arnaud", "Bouvier", "Camara", "Diallo", "Ehrhart", "Fontaine", "Garcia", "Hoarau",
    "Idrissi", "Jacquet", "Klein", "Lambert", "Marchand", "Nguyen", "Olivier", "Perrin",
    "Quentin", "Renard", "Sow", "Traoré", "Urban", "Vidal", "Weber", "Zimmermann",
)  # fmt: skip
MEDIATORS_PER_SITE = 2


@dataclass(frozen=True)
class DemoTeamMember:
    email: str
    first_name: str
    last_name: str
    role: str
    site_short_code: str


def team_members(sites: tuple[DemoSite, ...] = SITES) -> list[DemoTeamMember]:
    members = []
    index = 0
    for site in sites:
        roles = [Role.MEDIATOR] * MEDIATORS_PER_SITE
        if site.name != STRASBOURG_SITE:  # Strasbourg's manager is the demo login.
            roles.insert(0, Role.SITE_MANAGER)
        for role in roles:
            first = TEAM_FIRST_NAMES[index % len(TEAM_FIRST_NAMES)]
            last = TEAM_LAST_NAMES[(index * 7) % len(TEAM_LAST_NAMES)]
            index += 1
            local = f"{site.short_code.lower()}.{role.replace('_', '-')}{index:02d}"
            members.append(DemoTeamMember(_demo_email(local), first, last, role, site.short_code))
    return members


# --- Writing ------------------------------------------------------------------------------


@dataclass
class SeedResult:
    network: Organisation
    sites: int
    partners: int
    funders: int
    users: int
    memberships: int


def demo_users_exist() -> bool:
    return User.objects.filter(email__in=[login.email for login in LOGINS]).exists()


# A fictitious SIREN for the demo association; each space is one of its establishments.
DEMO_SIREN = "999000009"


def demo_siret(short_code: str) -> str:
    """The space's fictitious SIRET: the demo SIREN, a NIC from its place in ``SITES``, and
    the Luhn key the validator checks (the national places standard's « pivot »)."""
    index = next(i for i, spec in enumerate(SITES) if spec.short_code == short_code)
    base = f"{DEMO_SIREN}{index + 1:04d}"
    return next(base + str(key) for key in range(10) if luhn_is_valid(base + str(key)))


def demo_sites(site_codes: frozenset[str] | None = None) -> tuple[DemoSite, ...]:
    """The spaces of the demo, or only those whose short code is in ``site_codes``."""
    return tuple(s for s in SITES if site_codes is None or s.short_code in site_codes)


# Two mediators receive at the same time in every demo space.
DEMO_APPOINTMENT_CAPACITY = 2


def demo_closures(site: Site, index: int, today: datetime.date) -> list[Closure]:
    """Each space closes one day soon for a team training, and every other space took a
    week of holidays a month ago (relative to the demo's today)."""
    training = today + datetime.timedelta(days=9 + index % 5)
    closures = [
        Closure(site=site, starts_on=training, ends_on=training, reason=ClosureReason.TRAINING)
    ]
    if index % 2 == 0:
        start = today - datetime.timedelta(days=35 + index)
        closures.append(
            Closure(
                site=site,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=6),
                reason=ClosureReason.HOLIDAY,
            )
        )
    return closures


@transaction.atomic
def seed_demo_network(*, site_codes: frozenset[str] | None = None) -> SeedResult:
    """Write the whole demo network in one transaction and journal it once.

    Seed data is not a user action, so rows are written with the ORM directly (each one
    validated with ``full_clean`` all the same); the journal gets one ``demo.seeded`` entry.
    """
    network = Organisation(
        kind=OrganisationKind.NETWORK,
        name=NETWORK_NAME,
        email=_demo_email(NETWORK_EMAIL_LOCAL),
        phone=NETWORK_PHONE,
    )
    _validate_and_save(network)

    organisations: dict[str, Organisation] = {NETWORK_NAME: network}
    sites_by_code: dict[str, Site] = {}
    hours: list[OpeningHours] = []
    sites = demo_sites(site_codes)
    for site_spec in sites:
        site = Site(
            kind=OrganisationKind.SITE,
            network=network,
            name=site_spec.name,
            short_code=site_spec.short_code,
            siret=demo_siret(site_spec.short_code),
            address=site_spec.address,
            postal_code=site_spec.postal_code,
            city=site_spec.city,
            latitude=Decimal(site_spec.latitude),
            longitude=Decimal(site_spec.longitude),
            phone=site_spec.phone,
            email=_demo_email(site_spec.email_local),
            accessibility_notes=site_spec.accessibility_notes,
            description=site_spec.description,
            services=[str(service) for service in site_spec.services],
            appointment_capacity=DEMO_APPOINTMENT_CAPACITY,
        )
        _validate_and_save(site)
        organisations[site_spec.name] = site
        sites_by_code[site_spec.short_code] = site
        for weekday, slots in sorted(site_spec.hours.items()):
            for opens_at, closes_at in slots:
                slot = OpeningHours(
                    site=site, weekday=weekday, opens_at=opens_at, closes_at=closes_at
                )
                slot.full_clean()
                hours.append(slot)
    OpeningHours.objects.bulk_create(hours)
    for index, site in enumerate(sites_by_code.values()):
        for closure in demo_closures(site, index, clock.localdate()):
            closure.full_clean()
            closure.save()

    for partner_spec in PARTNERS:
        partner = Partner(
            kind=OrganisationKind.PARTNER,
            network=network,
            name=partner_spec.name,
            partner_kind=partner_spec.partner_kind,
            territory=partner_spec.territory,
            habilitation_status=partner_spec.habilitation_status,
            phone=partner_spec.phone,
            email=_optional_demo_email(partner_spec.email_local),
        )
        _validate_and_save(partner)
        organisations[partner_spec.name] = partner

    for funder_spec in FUNDERS:
        funder = Funder(
            kind=OrganisationKind.FUNDER,
            network=network,
            name=funder_spec.name,
            funder_kind=funder_spec.funder_kind,
            is_donor=funder_spec.is_donor,
            email=_optional_demo_email(funder_spec.email_local),
        )
        _validate_and_save(funder)
        organisations[funder_spec.name] = funder

    # One hash for every demo account: hashing ~40 times would slow `make run` for nothing.
    password_hash = make_password(DEMO_PASSWORD)
    memberships: list[Membership] = []
    users = 0

    def add_user(email, first_name, last_name):
        nonlocal users
        user = User(email=email, first_name=first_name, last_name=last_name)
        user.password = password_hash
        _validate_and_save(user)
        _add_verified_address(user)
        users += 1
        return user

    for login in LOGINS:
        user = add_user(login.email, login.first_name, login.last_name)
        memberships.append(
            Membership(user=user, organisation=organisations[login.organisation], role=login.role)
        )
        for organisation_name, role in login.other_memberships:
            memberships.append(
                Membership(user=user, organisation=organisations[organisation_name], role=role)
            )
    for member in team_members(sites):
        user = add_user(member.email, member.first_name, member.last_name)
        memberships.append(
            Membership(
                user=user, organisation=sites_by_code[member.site_short_code], role=member.role
            )
        )
    for membership in memberships:
        membership.full_clean(validate_unique=False)
    Membership.objects.bulk_create(memberships)

    result = SeedResult(
        network=network,
        sites=len(sites),
        partners=len(PARTNERS),
        funders=len(FUNDERS),
        users=users,
        memberships=len(memberships),
    )
    journal.record(
        actor=None,
        action="demo.seeded",
        obj=network,
        payload={
            "sites": result.sites,
            "partners": result.partners,
            "funders": result.funders,
            "users": result.users,
            "memberships": result.memberships,
        },
    )
    return result


def _validate_and_save(row: Model) -> None:
    """Seed rows skip the services (no actor, no journal per row), never the validation."""
    row.full_clean()
    row.save()


def _add_verified_address(user: User) -> None:
    """Give allauth the verified, primary address it keeps for every account."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
