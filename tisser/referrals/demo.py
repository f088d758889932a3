"""Demo referrals: several hundred bons d'orientation in every state, with their files,
appointments and message records, written through the real services.

Called by the demo app (tisser.demo) right after the demo network (tisser.accounts.demo).
Every choice comes from one ``random.Random`` with a fixed seed, so two runs write the same
people, the same paths and the same counts. Dates are relative to the moment of seeding:
each step of a referral runs with the demo's ``ManualClock`` (tisser.core.clock) moved to the
moment it "happened" (days or weeks ago), so the history rows, appointments, files and message records carry believable
dates; the expiries and reminders come from the real housekeeping, replayed day by day
over the past months (``run_housekeeping(now=...)``).

Messages are recorded, not sent: the demo app queues no task while seeding and the pending records are marked as sent at the moment of their
event. New actions after seeding (``make run``) send for real (var/sms/, var/mail/).

People are fictitious. Phone numbers are mobile numbers in +33 6 12 34 xx xx (a valid range:
phonenumbers refuses the ARCEP fiction ranges for mobiles); e-mails use example.org.
"""

from __future__ import annotations

import datetime
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tisser.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, STRASBOURG_SITE
from tisser.accounts.enums import PartnerKind, Role
from tisser.accounts.models import Membership, Organisation, Partner, Site, User
from tisser.accounts.opening import closed_message
from tisser.beneficiaries.enums import (
    ConsentKind,
    ContactChannel,
    EligibilityCriterion,
    SocialStatus,
)
from tisser.beneficiaries.models import Beneficiary
from tisser.beneficiaries.services import DuplicateSuspected, beneficiary_create
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.notifications.models import DeliveryStatus, Notification
from tisser.referrals import appointments, booking, services, transitions
from tisser.referrals.enums import Need, OfferFamily, ReferralStatus, RejectionReason
from tisser.referrals.housekeeping import run_housekeeping
from tisser.referrals.models import Appointment, Referral

# Writes one request of the public help form (website.help_request.help_request_create).
PublicRequestWriter = Callable[..., Referral]

DEMO_RANDOM_SEED = 20261126
DEFAULT_REFERRAL_COUNT = 600
# Walk-in files (opened at the counter, without a referral): one for this many referrals.
REFERRALS_PER_WALK_IN = 10
# The housekeeping is replayed once a day over this many past days.
HISTORY_DAYS = 140


def referral_count() -> int:
    """How many referrals ``seed_demo`` writes (settings.DEMO_REFERRALS; fewer in tests)."""
    return int(getattr(settings, "DEMO_REFERRALS", DEFAULT_REFERRAL_COUNT))


# --- the people -----------------------------------------------------------------------------

FIRST_NAMES = (
    "Aïcha", "Alain", "Amadou", "Ana", "André", "Anne-Marie", "Antoine", "Aurélie", "Bernard",
    "Bintou", "Brigitte", "Céline", "Chantal", "Christophe", "Daniel", "Denise", "Djamel",
    "Dominique", "Élodie", "Emmanuel", "Fatima", "Fatoumata", "Florence", "François", "Gérard",
    "Ghislaine", "Hakim", "Hélène", "Ibrahim", "Irina", "Jacqueline", "Jean-Baptiste",
    "Jean-Pierre", "Jérôme", "Joëlle", "José", "Josiane", "Kévin", "Khadija", "Laurent",
    "Leïla", "Linh", "Lucie", "Malik", "Mamadou", "Marie-Claire", "Martine", "Mehdi",
    "Michel", "Mohamed", "Monique", "Nabil", "Nadège", "Nathalie", "Noël", "Olga", "Pascal",
    "Patricia", "Philippe", "Rachid", "Raphaël", "Rose", "Salomé", "Samira", "Sébastien",
    "Sylvie", "Thérèse", "Thomas", "Valentin", "Véronique", "Yannick", "Yasmina", "Youssef",
    "Zohra",
)  # fmt: skip
LAST_NAMES = (
    "Abdallah", "Ba", "Bauer", "Benoît", "Bertrand", "Boucher", "Brunner", "Chevalier",
    "Colin", "Da Silva", "Dubois", "Dupont-Martin", "Durand", "Fernandes", "Fischer",
    "François", "Gauthier", "Girard", "Grünewald", "Guérin", "Haas", "Hamidi", "Hoffmann",
    "Jung", "Kaya", "Koné", "Kowalski", "Le Gall", "Lefèvre", "Lemaire", "Lopez", "Martin",
    "Mathieu", "Mercier", "Meunier", "Moreau", "Müller", "N'Diaye", "Nguyen", "Noël",
    "Ouédraogo", "Petit", "Pham", "Rey", "Richard", "Robert", "Roux", "Saïdi", "Schneider",
    "Sissoko", "Stoll", "Tran", "Vasile", "Vogel", "Wagner", "Yılmaz", "Zaoui", "Ziegler",
)  # fmt: skip

# Places where people of each space live: (postal code, commune).
HOMES = {
    "PARBEL": (("75020", "Paris"), ("75011", "Paris"), ("93260", "Les Lilas")),
    "PARFLA": (("75019", "Paris"), ("75018", "Paris"), ("93300", "Aubervilliers")),
    "LILMOU": (("59000", "Lille"), ("59260", "Lille"), ("59120", "Loos")),
    "LILFIV": (("59800", "Lille"), ("59260", "Hellemmes-Lille"), ("59491", "Villeneuve-d'Ascq")),
    "MARBEL": (("13001", "Marseille"), ("13003", "Marseille"), ("13015", "Marseille")),
    "LYOGUI": (("69007", "Lyon"), ("69003", "Lyon"), ("69200", "Vénissieux")),
    "LYOVAI": (("69009", "Lyon"), ("69005", "Lyon"), ("69130", "Écully")),
    "BORBAS": (("33100", "Bordeaux"), ("33310", "Lormont"), ("33150", "Cenon")),
    "TLSMIR": (("31100", "Toulouse"), ("31300", "Toulouse"), ("31170", "Tournefeuille")),
    "GREVIL": (("38100", "Grenoble"), ("38130", "Échirolles"), ("38400", "Saint-Martin-d'Hères")),
    "NTEBEL": (("44100", "Nantes"), ("44800", "Saint-Herblain"), ("44000", "Nantes")),
    "STRGAR": (
        ("67000", "Strasbourg"),
        ("67200", "Strasbourg"),
        ("67100", "Strasbourg"),
        ("67300", "Schiltigheim"),
        ("67800", "Bischheim"),
    ),
}

REASONS = (
    "Souhaite créer son espace personnel France Travail et actualiser sa situation seule.",
    "N'a pas d'ordinateur ; doit déposer sa déclaration de revenus en ligne.",
    "Téléphone cassé, a besoin d'un équipement pour ses démarches et ses rendez-vous.",
    "Demande d'aide pour ouvrir un compte sur le site de la CAF et suivre ses droits.",
    "Veut apprendre à envoyer des e-mails et des pièces jointes pour sa recherche d'emploi.",
    "Sans connexion internet à domicile, a besoin d'une carte SIM et d'un forfait.",
    "Prise de rendez-vous médicaux en ligne : souhaite être accompagnée.",
    "Doit renouveler son titre de séjour en ligne et ne sait pas scanner ses documents.",
    "Programme 32 heures : accompagnement vers l'autonomie numérique.",
    "Souhaite suivre les ateliers de découverte du smartphone.",
)
REJECTION_MESSAGES = (
    "Nous ne parvenons pas à joindre la personne au numéro indiqué. Pouvez-vous vérifier ?",
    "La personne habite loin de notre espace ; l'espace le plus proche peut l'accueillir.",
    "Nos ateliers de ce mois sont complets. Renvoyez-nous la demande le mois prochain.",
    "La personne a retrouvé un emploi et n'est plus disponible en journée.",
    "Cette personne est déjà suivie par notre espace : nous la recontactons directement.",
)
CANCEL_REASONS = (
    "La personne a trouvé une solution près de chez elle.",
    "Erreur de saisie : un nouveau bon a été envoyé.",
    "La personne a déménagé.",
)
MODERATION_REJECT_REASONS = (
    "Le partenaire n'est pas habilité à orienter vers le réseau.",
    "La demande ne concerne pas le numérique.",
)
# Appointment times offered by the spaces (local time).
SLOTS = ((9, 30), (10, 0), (10, 30), (11, 0), (14, 0), (14, 30), (15, 0), (16, 0))

# Referrers of the partners that have no demo login: invented names, one per partner.
REFERRER_NAMES = (
    ("Léa", "Hirtz"), ("Marc", "Ostermann"), ("Sarah", "Bensaïd"), ("Pierre", "Wolff"),
    ("Aminata", "Keita"), ("Hervé", "Lutz"), ("Camille", "Roussel"), ("Nora", "Belkacem"),
    ("Julie", "Marchal"), ("Olivier", "Texier"), ("Mathilde", "Chauvin"), ("Yacine", "Ferhat"),
    ("Agathe", "Pelletier"), ("Lucas", "Barbier"),
)  # fmt: skip

# Which spaces each partner sends people to (the others ask through the public form).
PARTNER_SITES = {
    "France Travail Paris 20e Belleville": ("PARBEL", "PARFLA"),
    "CCAS de Lille": ("LILMOU", "LILFIV"),
    "Mission locale de Marseille": ("MARBEL",),
    "Maison départementale des solidarités Bordeaux Bastide": ("BORBAS",),
    "CADA Lyon Vaise": ("LYOVAI", "LYOGUI"),
}
DEMO_REFERRER_PARTNER = "France Travail Strasbourg Hautepierre"


# --- scenarios -----------------------------------------------------------------------------

# The path of each referral, named after where it ends, and how many of every 40 take it.
SCENARIO_WEIGHTS = {
    "draft": 2,
    "cancelled_draft": 1,
    "moderation_pending": 2,
    "moderation_rejected": 1,
    "submitted_new": 3,
    "submitted_waiting": 2,
    "expired_unanswered": 2,
    "accepted_upcoming": 4,
    "accepted_rebooked": 1,
    "accepted_to_mark": 2,
    "accepted_no_show": 1,
    "expired_no_show": 2,
    "rejected": 4,
    "consumed": 10,
    "consumed_existing_file": 1,
    "cancelled_submitted": 1,
    "cancelled_accepted": 1,
}
# Paths that end with the referrer's action need a partner (a public request has none).
NEEDS_PARTNER = frozenset({"draft", "cancelled_draft", "cancelled_submitted", "cancelled_accepted"})
MODERATION_SCENARIOS = frozenset({"moderation_pending", "moderation_rejected"})
# Paths that are public help requests half of the time (the space has two working days).
HELP_REQUEST_SCENARIOS = frozenset({"submitted_new", "accepted_upcoming"})


@dataclass
class Person:
    first_name: str
    last_name: str
    birth_year: int
    phone: str
    email: str
    channel: str
    postal_code: str
    commune: str


@dataclass
class Cast:
    """The demo network's people who act on referrals."""

    network: Organisation
    admin: Membership
    sites: dict[str, Site]
    site_staff: dict[str, list[Membership]]  # manager first, then mediators
    referrers: dict[str, Membership]  # partner name -> referrer membership
    partners: dict[str, Partner]


@dataclass
class DemoReferralsResult:
    referrals: int
    by_status: dict[str, int]
    files: int
    appointments: int
    notifications: int
    seconds: float
    scenarios: dict[str, int] = field(default_factory=dict)


# --- building blocks ------------------------------------------------------------------------


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


class Builder:
    def __init__(
        self,
        *,
        cast: Cast,
        rng: random.Random,
        clock: ManualClock,
        now,
        history_days: int,
        public_request: PublicRequestWriter,
    ):
        self.cast = cast
        self.rng = rng
        self.clock = clock
        self.now = now
        self.history_days = history_days
        self.public_request = public_request
        self.tz = timezone.get_current_timezone()
        self.person_index = 0
        self._open_sites: dict[int, Site] = {}
        self.name_pairs = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES]
        rng.shuffle(self.name_pairs)

    # times

    def at(self, moment: datetime.datetime) -> None:
        self.clock.move_to(moment)

    def past(self, days_ago: float) -> datetime.datetime:
        """A believable moment ``days_ago`` days before now (office hours), never in the future."""
        day = (self.now - datetime.timedelta(days=days_ago)).astimezone(self.tz)
        moment = day.replace(
            hour=self.rng.randint(8, 17), minute=self.rng.randrange(0, 60, 5), second=0
        )
        moment = moment.replace(microsecond=0)
        latest = self.now - datetime.timedelta(minutes=5)
        if moment > latest:
            moment = latest - datetime.timedelta(minutes=self.rng.randint(0, 120))
        return moment

    def later(self, moment, min_hours: float, max_hours: float) -> datetime.datetime:
        """A moment some hours after ``moment``, capped just before now."""
        result = moment + datetime.timedelta(hours=self.rng.uniform(min_hours, max_hours))
        cap = self.now - datetime.timedelta(minutes=1)
        if result > cap:
            result = max(cap, moment + datetime.timedelta(minutes=1))
        return result.replace(microsecond=0)

    def slot(
        self, day: datetime.datetime, *, site: Site, backward: bool = False
    ) -> datetime.datetime:
        """A free appointment time at ``site`` on ``day``, or on the nearest day the site is
        open with room left (earlier days if ``backward``): the booking rules refuse the rest."""
        local_day = day.astimezone(self.tz).date()
        step = -1 if backward else 1
        for offset in range(30):
            times = self.free_times(site, local_day + datetime.timedelta(days=step * offset))
            if times:
                return self.rng.choice(times)
        raise RuntimeError(f"No free appointment time at {site.short_code} near {local_day}")

    def free_times(self, site: Site, day: datetime.date) -> list[datetime.datetime]:
        """The times of SLOTS on ``day`` when ``site`` is open and not full."""
        if site.pk not in self._open_sites:
            self._open_sites[site.pk] = Site.objects.prefetch_related("opening_hours").get(
                pk=site.pk
            )
        site = self._open_sites[site.pk]
        times = []
        for hour, minute in SLOTS:
            start = timezone.make_aware(
                datetime.datetime(day.year, day.month, day.day, hour, minute), self.tz
            )
            end = booking.ends_at_for(site, start)
            if closed_message(site, start, end) is not None:
                continue
            if booking.overlapping(site, start, end).count() < site.appointment_capacity:
                times.append(start)
        return times

    def future_slot(self, site: Site, min_days: int, max_days: int) -> datetime.datetime:
        return self.slot(
            self.now + datetime.timedelta(days=self.rng.randint(min_days, max_days)), site=site
        )

    # people

    def person(self, site_code: str, *, with_partner: bool) -> Person:
        first, last = self.name_pairs[self.person_index % len(self.name_pairs)]
        index = self.person_index
        self.person_index += 1
        postal_code, commune = self.rng.choice(HOMES[site_code])
        draw = self.rng.random()
        if draw < 0.64:
            channel = ContactChannel.SMS
        elif draw < 0.78:
            channel = ContactChannel.EMAIL
        elif draw < 0.90:
            channel = ContactChannel.CALL
        else:
            channel = ContactChannel.REFERRER if with_partner else ContactChannel.SMS
        has_email = channel == ContactChannel.EMAIL or self.rng.random() < 0.3
        return Person(
            first_name=first,
            last_name=last,
            birth_year=self.rng.randint(1948, 2006),
            phone=f"+3361234{index:04d}",
            email=f"{_ascii(first)}.{_ascii(last)}.{index}@example.org" if has_email else "",
            channel=channel,
            postal_code=postal_code,
            commune=commune,
        )

    def draft_data(self, person: Person, partner: Partner | None) -> dict:
        rng = self.rng
        jobseeker = partner is not None and partner.partner_kind in (PartnerKind.FT, PartnerKind.ML)
        criteria = rng.sample(EligibilityCriterion.values, rng.randint(0, 3))
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_year": person.birth_year,
            "phone": person.phone,
            "email": person.email,
            "preferred_channel": person.channel,
            "postal_code": person.postal_code,
            "commune": person.commune,
            "social_status": SocialStatus.SANS_EMPLOI
            if jobseeker
            else rng.choice(SocialStatus.values),
            "is_jobseeker": True if jobseeker else rng.choice([None, False, True]),
            "eligibility_criteria": criteria,
            "needs": rng.sample(Need.values, rng.randint(1, 3)),
            "requested_offers": rng.sample(OfferFamily.values, rng.randint(0, 2)),
            "reason": rng.choice(REASONS),
            "notice_given": True,
        }

    # actors

    def staff(self, site: Site) -> Membership:
        return self.rng.choice(self.cast.site_staff[site.short_code])

    def mediator_user(self, site: Site):
        return self.rng.choice(self.cast.site_staff[site.short_code]).user

    def place(self, site: Site) -> str:
        return f"{site.name}, {site.address}, {site.postal_code} {site.city}"


# --- the cast -------------------------------------------------------------------------------


def _referrer_email(partner: Partner) -> str:
    local = (partner.email or "").split("@")[0] or _ascii(partner.name)[:30]
    return f"prescription.{local}@{DEMO_EMAIL_DOMAIN}"


def demo_cast(network: Organisation) -> Cast:
    """The acting members, adding one referrer to every partner without a demo login."""
    from allauth.account.models import EmailAddress

    sites = {site.short_code: site for site in Site.objects.filter(network=network)}
    staff: dict[str, list[Membership]] = {code: [] for code in sites}
    team = (
        Membership.objects.active()
        .filter(organisation__in=sites.values(), role__in=[Role.SITE_MANAGER, Role.MEDIATOR])
        .select_related("user", "organisation")
        .order_by("role", "user__email")
    )
    site_codes = {site.pk: code for code, site in sites.items()}
    for membership in team:
        staff[site_codes[membership.organisation_id]].append(membership)
    admin = (
        Membership.objects.active()
        .filter(organisation=network, role=Role.NETWORK_ADMIN)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    partners = {p.name: p for p in Partner.objects.filter(network=network).order_by("name")}
    referrers = {
        m.organisation.name: m
        for m in Membership.objects.active()
        .filter(organisation__in=partners.values(), role=Role.PARTNER_REFERRER)
        .select_related("user", "organisation")
        .order_by("user__email")
    }
    password_hash = make_password(DEMO_PASSWORD)
    names = iter(REFERRER_NAMES)
    for name, partner in partners.items():
        if name in referrers:
            continue
        first, last = next(names)
        user = User(email=_referrer_email(partner), first_name=first, last_name=last)
        user.password = password_hash
        user.full_clean()
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        membership = Membership(user=user, organisation=partner, role=Role.PARTNER_REFERRER)
        membership.full_clean()
        membership.save()
        referrers[name] = membership
    return Cast(
        network=network,
        admin=admin,
        sites=sites,
        site_staff=staff,
        referrers=referrers,
        partners=partners,
    )


# --- one referral, one path -----------------------------------------------------------------


@dataclass
class Plan:
    scenario: str
    site: Site
    partner: Partner | None  # None: a public request


def _plans(cast: Cast, rng: random.Random, count: int) -> list[Plan]:
    deck = [name for name, weight in SCENARIO_WEIGHTS.items() for _ in range(weight)]
    strasbourg = next(s for s in cast.sites.values() if s.name == STRASBOURG_SITE)
    # Strasbourg, the demo logins' space, gets four times as many referrals as the others.
    site_deck = [strasbourg] * 3 + sorted(cast.sites.values(), key=lambda s: s.short_code)
    trusted = {
        name: p
        for name, p in cast.partners.items()
        if p.habilitation_status in transitions.TRUSTED_HABILITATIONS
    }
    untrusted = [
        p
        for p in cast.partners.values()
        if p.habilitation_status not in transitions.TRUSTED_HABILITATIONS
    ]
    partners_of: dict[str, list[Partner]] = {code: [] for code in cast.sites}
    for name, partner in trusted.items():
        for code in PARTNER_SITES.get(name, (strasbourg.short_code,)):
            if code in partners_of:  # a smaller demo profile has fewer spaces
                partners_of[code].append(partner)
    # The demo referrer's agency sends more than the other Strasbourg partners.
    partners_of[strasbourg.short_code] += [cast.partners[DEMO_REFERRER_PARTNER]] * 3

    plans: list[Plan] = []
    scenarios: list[str] = []
    sites: list[Site] = []
    while len(plans) < count:
        if not scenarios:
            scenarios = deck[:]
            rng.shuffle(scenarios)
        if not sites:
            sites = site_deck[:]
            rng.shuffle(sites)
        scenario = scenarios.pop()
        if scenario in MODERATION_SCENARIOS:
            # From a partner not validated yet (public requests go straight to their space).
            plans.append(Plan(scenario, strasbourg, rng.choice(untrusted)))
            continue
        if scenario in HELP_REQUEST_SCENARIOS and rng.random() < 0.5:
            # Half the new ones are public help requests, waiting in their space's inbox.
            plans.append(Plan(scenario, sites.pop(), None))
            continue
        site = sites.pop()
        local = partners_of[site.short_code]
        if scenario in NEEDS_PARTNER and not local:
            site = strasbourg
            local = partners_of[site.short_code]
        if local and (scenario in NEEDS_PARTNER or rng.random() < 0.9):
            plans.append(Plan(scenario, site, rng.choice(local)))
        else:
            plans.append(Plan(scenario, site, None))
    return plans


class ReferralWriter:
    """Walks one referral along its path, each step at its own moment on the demo clock.

    Every step happens after the previous one: the next moment is computed from the
    referral's ``status_changed_at`` (or, for paths built backwards from a past
    appointment, the earlier moments are chosen first).
    """

    def __init__(self, builder: Builder):
        self.b = builder
        self.rng = builder.rng
        self.cast = builder.cast

    def write(self, plan: Plan) -> Referral:
        return getattr(self, f"path_{plan.scenario}")(plan)

    # creation and sending

    def _create(self, plan: Plan, at, person: Person | None = None) -> Referral:
        b = self.b
        person = person or b.person(plan.site.short_code, with_partner=plan.partner is not None)
        b.at(at)
        if plan.partner is None:
            # The public form: first name, phone or e-mail, postal code, needs.
            use_phone = person.channel != ContactChannel.EMAIL or not person.email
            return b.public_request(
                first_name=person.first_name,
                phone=person.phone if use_phone else "",
                email="" if use_phone else person.email,
                postal_code=person.postal_code,
                needs=self.rng.sample(Need.values, self.rng.randint(1, 2)),
                site=plan.site,
            )
        return services.referral_create_draft(
            actor=self.cast.referrers[plan.partner.name],
            site=plan.site,
            data=b.draft_data(person, plan.partner),
        )

    def _send(self, plan: Plan, at, *, person: Person | None = None, before=None) -> Referral:
        """Written and sent at ``at``; a public request is let through moderation after.

        ``before``: the moment the next step happens (the release comes first).
        """
        referral = self._create(plan, at, person)
        if plan.partner is not None:
            self.b.at(at + datetime.timedelta(minutes=self.rng.randint(2, 20)))
            referral = transitions.referral_submit(
                actor=self.cast.referrers[plan.partner.name], referral=referral
            )
        if (
            referral.status == ReferralStatus.MODERATION_PENDING
            and plan.scenario not in MODERATION_SCENARIOS
        ):
            released = self.b.later(referral.status_changed_at, 1, 20)
            if before is not None:
                released = min(released, referral.status_changed_at + (before - at) / 2)
            self.b.at(released)
            referral = transitions.referral_moderation_approve(
                actor=self.cast.admin, referral=referral
            )
        return referral

    def _accept(self, referral: Referral, at, starts_at) -> Appointment:
        self.b.at(at)
        return transitions.referral_accept(
            actor=self.b.staff(referral.site),
            referral=referral,
            starts_at=starts_at,
            place=self.b.place(referral.site),
            mediator=self.b.mediator_user(referral.site),
        )

    def _after(self, referral: Referral, min_hours: float, max_hours: float):
        return self.b.later(referral.status_changed_at, min_hours, max_hours)

    # the paths

    def path_draft(self, plan: Plan) -> Referral:
        return self._create(plan, self.b.past(self.rng.uniform(0, 20)))

    def path_cancelled_draft(self, plan: Plan) -> Referral:
        created = self.b.past(self.rng.uniform(3, 40))
        referral = self._create(plan, created)
        self.b.at(self.b.later(created, 2, 72))
        return self._cancel(plan, referral)

    def _cancel(self, plan: Plan, referral: Referral) -> Referral:
        return transitions.referral_cancel(
            actor=self.cast.referrers[plan.partner.name],
            referral=referral,
            reason=self.rng.choice(CANCEL_REASONS),
        )

    def path_moderation_pending(self, plan: Plan) -> Referral:
        return self._send(plan, self.b.past(self.rng.uniform(0, 10)))

    def path_moderation_rejected(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(5, 60)))
        self.b.at(self._after(referral, 2, 72))
        return transitions.referral_moderation_reject(
            actor=self.cast.admin,
            referral=referral,
            reason=self.rng.choice(MODERATION_REJECT_REASONS),
        )

    def path_submitted_new(self, plan: Plan) -> Referral:
        return self._send(plan, self.b.past(self.rng.uniform(0, 9)))

    def path_submitted_waiting(self, plan: Plan) -> Referral:
        # Reminded every 10 days by the housekeeping replay.
        return self._send(plan, self.b.past(self.rng.uniform(11, 28)))

    def path_expired_unanswered(self, plan: Plan) -> Referral:
        # Expired by the housekeeping replay 30 days after it was sent.
        return self._send(plan, self.b.past(self.rng.uniform(32, self.b.history_days - 10)))

    def path_accepted_upcoming(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(1, 15)))
        self._accept(
            referral, self._after(referral, 2, 48), self.b.future_slot(referral.site, 1, 21)
        )
        return referral

    def path_accepted_rebooked(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(5, 20)))
        accepted = self._after(referral, 2, 24)
        first = self._accept(
            referral,
            accepted,
            self.b.slot(accepted + datetime.timedelta(days=6), site=referral.site),
        )
        self.b.at(self.b.later(accepted, 24, 60))
        transitions.referral_rebook(
            actor=self.b.staff(referral.site),
            referral=referral,
            starts_at=self.b.future_slot(referral.site, 2, 20),
            place=first.place,
            mediator=first.mediator,
        )
        return referral

    def _accepted_with_past_appointment(
        self, plan: Plan, days_ago: float, person: Person | None = None
    ) -> tuple[Referral, Appointment]:
        appointment_at = self.b.slot(
            self.b.now - datetime.timedelta(days=days_ago), site=plan.site, backward=True
        )
        accepted = appointment_at - datetime.timedelta(hours=self.rng.uniform(72, 240))
        sent = accepted - datetime.timedelta(hours=self.rng.uniform(2, 120))
        referral = self._send(plan, sent, person=person, before=accepted)
        appointment = self._accept(referral, accepted, appointment_at)
        return referral, appointment

    def path_accepted_to_mark(self, plan: Plan) -> Referral:
        # The appointment was these last days: the team has not said yet if the person came.
        referral, _appointment = self._accepted_with_past_appointment(plan, self.rng.uniform(1, 6))
        return referral

    def path_accepted_no_show(self, plan: Plan) -> Referral:
        referral, appointment = self._accepted_with_past_appointment(plan, self.rng.uniform(2, 25))
        self.b.at(self.b.later(appointment.starts_at, 2, 6))
        transitions.referral_mark_no_show(actor=self.b.staff(referral.site), referral=referral)
        return referral

    def path_expired_no_show(self, plan: Plan) -> Referral:
        referral, appointment = self._accepted_with_past_appointment(
            plan, self.rng.uniform(32, self.b.history_days - 25)
        )
        if self.rng.random() < 0.5:
            self.b.at(self.b.later(appointment.starts_at, 2, 6))
            transitions.referral_mark_no_show(actor=self.b.staff(referral.site), referral=referral)
        # The housekeeping replay expires it 30 days after the appointment.
        return referral

    def path_rejected(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(1, self.b.history_days - 10)))
        self.b.at(self._after(referral, 2, 24 * 8))
        codes = self.rng.sample(RejectionReason.values, self.rng.choice((1, 1, 2)))
        return transitions.referral_reject(
            actor=self.b.staff(referral.site),
            referral=referral,
            reasons=codes,
            message=self.rng.choice(REJECTION_MESSAGES),
        )

    def path_consumed(
        self,
        plan: Plan,
        *,
        days_ago: float | None = None,
        person: Person | None = None,
        existing: Beneficiary | None = None,
    ) -> Referral:
        if days_ago is None:
            days_ago = self.rng.uniform(1, self.b.history_days - 20)
        referral, appointment = self._accepted_with_past_appointment(plan, days_ago, person)
        staff = self.b.staff(referral.site)
        if existing is None and days_ago > 12 and self.rng.random() < 0.15:
            # Missed the first appointment, came to the second one a week later.
            self.b.at(self.b.later(appointment.starts_at, 2, 6))
            transitions.referral_mark_no_show(actor=staff, referral=referral)
            self.b.at(self.b.later(appointment.starts_at, 20, 30))
            appointment = transitions.referral_rebook(
                actor=staff,
                referral=referral,
                starts_at=self.b.slot(
                    appointment.starts_at + datetime.timedelta(days=7), site=referral.site
                ),
                place=appointment.place,
                mediator=appointment.mediator,
            )
        self.b.at(self.b.later(appointment.starts_at, 0.2, 1.5))
        return transitions.referral_mark_came(actor=staff, referral=referral, existing=existing)

    def path_consumed_existing_file(self, plan: Plan) -> Referral:
        """A person who already has a file (opened at the counter) is referred, then comes."""
        person = self.b.person(plan.site.short_code, with_partner=plan.partner is not None)
        opened = self.b.past(self.rng.uniform(70, self.b.history_days))
        existing = walk_in(self.b, plan.site, person, opened)
        return self.path_consumed(
            plan, days_ago=self.rng.uniform(1, 50), person=person, existing=existing
        )

    def path_cancelled_submitted(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(2, 60)))
        self.b.at(self._after(referral, 6, 24 * 5))
        return self._cancel(plan, referral)

    def path_cancelled_accepted(self, plan: Plan) -> Referral:
        referral = self._send(plan, self.b.past(self.rng.uniform(4, 40)))
        accepted = self._after(referral, 2, 24)
        self._accept(
            referral,
            accepted,
            self.b.slot(accepted + datetime.timedelta(days=8), site=referral.site),
        )
        self.b.at(self.b.later(accepted, 12, 72))
        return self._cancel(plan, referral)


STRASBOURG_CODE = "STRGAR"
# Reasons a mediator writes when booking at the counter or from a file.
BOOKING_REASONS = (
    "Dossier CAF en ligne",
    "Créer une adresse e-mail",
    "Déclaration d'impôts",
    "Prendre rendez-vous sur Doctolib",
    "Actualisation France Travail",
    "Installer l'application Ameli",
)
WALK_IN_NAMES = ("Samia", "Bernard", "Fatou", "Yusuf", "Élodie", "Gaëtan")


def book_coming_days(builder: Builder, site: Site, *, per_day: int = 5) -> list[Appointment]:
    """Appointments today and tomorrow at ``site``, booked a few days ago from files and for
    walk-ins, at free times when the space is open (a closed day gets none); today's that
    are over are marked, except one left for the team to mark."""
    rng = builder.rng
    files = list(
        Beneficiary.objects.filter(site=site, merged_into__isnull=True).order_by("pk")[:40]
    )
    today = builder.now.astimezone(builder.tz).date()
    booked: list[Appointment] = []
    for offset in (0, 1):
        day = today + datetime.timedelta(days=offset)
        times = builder.free_times(site, day)
        for starts_at in sorted(rng.sample(times, min(per_day, len(times)))):
            staff = builder.staff(site)
            builder.at(min(starts_at, builder.now) - datetime.timedelta(hours=rng.uniform(30, 120)))
            from_file = files and rng.random() < 0.6
            booked.append(
                appointments.appointment_book(
                    actor=staff,
                    site=site,
                    starts_at=starts_at,
                    mediator=builder.mediator_user(site),
                    beneficiary=rng.choice(files) if from_file else None,
                    walk_in_name="" if from_file else rng.choice(WALK_IN_NAMES),
                    reason=rng.choice(BOOKING_REASONS),
                )
            )
    over = [a for a in booked if a.ends_at + datetime.timedelta(minutes=10) < builder.now]
    for appointment in over[:-1]:  # the last one is left for the team to mark
        builder.at(appointment.ends_at + datetime.timedelta(minutes=5))
        staff = builder.staff(site)
        if rng.random() < 0.8:
            appointments.appointment_mark_came(actor=staff, appointment=appointment)
        else:
            appointments.appointment_mark_no_show(actor=staff, appointment=appointment)
    return booked


def walk_in(builder: Builder, site: Site, person: Person, at) -> Beneficiary:
    """A file opened at the counter, with the consents the person chose."""
    builder.at(at)
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_year": person.birth_year,
        "phone": person.phone,
        "email": person.email,
        "preferred_channel": person.channel
        if person.channel != ContactChannel.REFERRER
        else ContactChannel.SMS,
        "postal_code": person.postal_code,
        "commune": person.commune,
        "social_status": builder.rng.choice(SocialStatus.values),
        "notice_given_on": timezone.localdate(at),
    }
    consents = builder.rng.sample(ConsentKind.values, builder.rng.randint(0, 2))
    actor = builder.staff(site)
    try:
        return beneficiary_create(actor=actor, site=site, data=data, consents=consents)
    except DuplicateSuspected:
        # A namesake of another year: the team checked the candidates, it is someone else.
        return beneficiary_create(actor=actor, site=site, data=data, consents=consents, force=True)


# --- the whole demo -------------------------------------------------------------------------


def seed_demo_referrals(
    *,
    network: Organisation,
    clock: ManualClock,
    public_request: PublicRequestWriter,
    count: int | None = None,
    history_days: int = HISTORY_DAYS,
) -> DemoReferralsResult:
    """Write ``count`` referrals of every state (and their files, appointments, messages).

    ``clock`` is moved to the moment of each step; ``public_request`` writes a request of
    the public help form (the website app's service, handed in by the demo app, which sits
    above both). Run it where no send task is queued (the demo app takes care of it).
    """
    started = time.monotonic()
    count = referral_count() if count is None else count
    rng = random.Random(DEMO_RANDOM_SEED)  # noqa: S311 - reproducible demo data, not secrets
    real_now = clock_now().replace(microsecond=0)
    with transaction.atomic():
        cast = demo_cast(network)
        builder = Builder(
            cast=cast,
            rng=rng,
            clock=clock,
            now=real_now,
            history_days=history_days,
            public_request=public_request,
        )
        writer = ReferralWriter(builder)
        plans = _plans(cast, rng, count)
        for plan in plans:
            writer.write(plan)
        # Walk-in files: people who came to the counter without a referral.
        codes = sorted(cast.sites)
        for index in range(count // REFERRALS_PER_WALK_IN):
            site = cast.sites[codes[index % len(codes)]]
            person = builder.person(site.short_code, with_partner=False)
            walk_in(builder, site, person, builder.past(rng.uniform(0, history_days)))
        # Today's and tomorrow's appointments at Strasbourg, the demo logins' space.
        if STRASBOURG_CODE in cast.sites:
            book_coming_days(builder, cast.sites[STRASBOURG_CODE])
        # Expiries and reminders, as the daily housekeeping would have done them.
        for days_ago in range(history_days, 0, -1):
            moment = (real_now - datetime.timedelta(days=days_ago)).astimezone(builder.tz)
            moment = moment.replace(hour=6, minute=0, second=0)
            clock.move_to(moment)
            run_housekeeping(moment)
            if days_ago == TRANSFER_DAYS_AGO:
                transfer_misdirected(builder, moment)
        clock.release()
        run_housekeeping(clock_now())
        # Public help requests past their two working days: the managers are told once.
        services.help_requests_remind_overdue(clock_now())
        _mark_messages_sent()
    by_status = Counter(
        Referral.objects.filter(site__network=network).values_list("status", flat=True)
    )
    return DemoReferralsResult(
        referrals=sum(by_status.values()),
        by_status=dict(by_status),
        files=Beneficiary.objects.filter(site__network=network).count(),
        appointments=Appointment.objects.filter(site__network=network).count(),
        notifications=Notification.objects.filter(site__network=network).count(),
        seconds=time.monotonic() - started,
        scenarios=dict(Counter(plan.scenario for plan in plans)),
    )


# The day (before seeding) a space sends a misdirected referral on to another space.
TRANSFER_DAYS_AGO = 2
TRANSFER_REASONS = (
    "La personne habite à côté de l'autre espace : elle n'a pas de moyen de transport.",
    "L'autre espace propose l'atelier demandé ; nous ne l'avons pas.",
)


def transfer_misdirected(builder: Builder, moment: datetime.datetime) -> list[Referral]:
    """In each of the first two spaces, the oldest referral still waiting is transferred to
    the next space, by the site's manager (the history, the messages and the new inbox
    show it)."""
    codes = sorted(builder.cast.sites)
    transferred = []
    for index, code in enumerate(codes[:2]):
        site = builder.cast.sites[code]
        target = builder.cast.sites[codes[(index + 1) % len(codes)]]
        if target == site:
            continue
        waiting = (
            Referral.objects.filter(
                site=site, status=ReferralStatus.SUBMITTED, submitted_at__lt=moment
            )
            .order_by("submitted_at", "pk")
            .first()
        )
        if waiting is None:
            continue
        managers = [m for m in builder.cast.site_staff[code] if m.role == Role.SITE_MANAGER]
        if not managers:
            continue
        manager = managers[0]
        transferred.append(
            transitions.referral_transfer(
                actor=manager,
                referral=waiting,
                to_site=target,
                reason=TRANSFER_REASONS[index % len(TRANSFER_REASONS)],
            )
        )
    return transferred


def _mark_messages_sent() -> None:
    """The demo's messages count as sent when their event happened (no text was produced)."""
    from django.db.models import F

    Notification.objects.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=F("created_at"), attempts=1
    )
