"""One-off workshops: scheduling, registrations, the waiting list, cancellations.

A workshop (``Workshop``) is scheduled by the site's manager or mediator, or a network
admin, outside any programme. People register in two ways: a mediator registers a file of
the site or a first name and a phone (« Inscrire quelqu'un »), or the person registers on
the public agenda with a first name and a phone only. When every seat is taken the next
people join the waiting list; a cancellation moves the first of them up (in the order they
joined) and tells them by SMS.

Seats are counted under a row lock on the workshop (``select_for_update``): two people
asking for the last seat at once get one seat and one place on the waiting list, never two
seats (tests/training/test_workshops_postgres.py).

Every message goes through the notifications registry (notification_kinds.py). Its text is
our own words and the workshop's facts (title, date, place, the space's address and phone):
never the first name a visitor typed (docs/decisions/0010-anonymous-forms.md). The SMS
holds a cancellation link; its token is derived from the registration and SECRET_KEY when
the message leaves (like the staff invitation's), and only its SHA-256 is stored, in
``cancel_token_hash``. The link opens a page with a button: a GET never cancels.
See docs/decisions/0054-training.md (« Workshops and the public agenda »).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.activities.enums import Theme, WorkshopLevel
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock, ratelimit
from tisser.core.anonymous import AnonymousFormGuard
from tisser.core.dates import start_of_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.tokens import row_secret, token_hash
from tisser.notifications import caps
from tisser.notifications.models import Channel, Notification, RecipientKind
from tisser.notifications.services import notify
from tisser.training.enums import MAX_CAPACITY, RegistrationStatus
from tisser.training.models import Workshop, WorkshopRegistration
from tisser.training.roles import RUNNER_ROLES

# Who runs a workshop: the same people as run a cohort (roles.py).
WORKSHOP_ROLES = RUNNER_ROLES

# Message kinds (notification_kinds.py).
CONFIRMATION = "workshop_registration_confirmed_person"
WAITING = "workshop_registration_waiting_person"
REMINDER = "workshop_reminder_person"
MOVED_UP = "workshop_moved_up_person"
CANCELLED = "workshop_cancelled_person"

# Caps on online registrations, on top of the anonymous-form guard (per address):
# - one phone number holds at most 3 upcoming registrations across the network (a person
#   rarely needs more; someone typing another's number cannot flood them with reminders);
# - one site takes at most 30 online registrations an hour (a full week of workshops of a
#   busy space in an hour is already a lot; beyond that it is a robot).
MAX_UPCOMING_PER_PHONE = 3
# The anonymous-form guard of the public registration page (tisser/core/anonymous.py): per
# hour, 5 registrations from one address (IPv6 /64), 50 from one provider network (/48),
# 300 for the whole network's agenda.
GUARD = AnonymousFormGuard(
    scope="workshop-registration",
    limit=5,
    window_seconds=60 * 60,
    network_limit=50,
    overall_limit=300,
)
SITE_HOURLY_LIMIT = 30
SITE_LIMIT_SCOPE = "workshop-registration:site"

FIELDS = (
    "title",
    "theme",
    "level",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "is_public",
)
LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


# --- the cancellation token ---------------------------------------------------------------


def cancel_token(registration: WorkshopRegistration) -> str:
    """The secret of the SMS's cancellation link, derived from the saved registration.

    Rebuilt when a message leaves (nothing secret is queued); the database keeps only its
    SHA-256. Without SECRET_KEY it cannot be guessed: the value mixes the row's id and its
    creation instant to the microsecond.
    """
    return row_secret(
        "tisser.training.workshop_cancel", registration, registration.workshop_id
    ).hex()


def cancel_link(registration: WorkshopRegistration) -> str:
    path = reverse("website:workshop_cancel", kwargs={"token": cancel_token(registration)})
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + path


def registration_for_token(token: str) -> WorkshopRegistration | None:
    """The registration whose link carries ``token``, or None (a wrong or old link)."""
    if not token or len(token) > 128:
        return None
    found = (
        WorkshopRegistration.objects.select_related("workshop", "workshop__site")
        .filter(cancel_token_hash=token_hash(token))
        .first()
    )
    if found is None or not constant_time_compare(cancel_token(found), token):
        return None
    return found


def _save_new(registration: WorkshopRegistration) -> WorkshopRegistration:
    """Insert, then store the hash of the token derived from the saved row."""
    registration.cancel_token_hash = token_hash(secrets.token_hex(16))  # until the id exists
    registration.full_clean(exclude=["cancel_token_hash"], validate_unique=False)
    registration.save()
    registration.cancel_token_hash = token_hash(cancel_token(registration))
    WorkshopRegistration.objects.filter(pk=registration.pk).update(
        cancel_token_hash=registration.cancel_token_hash
    )
    return registration


# --- checks ------------------------------------------------------------------------------


def _check_actor(actor: Membership | None) -> None:
    if actor is None or not actor.is_active or actor.role not in WORKSHOP_ROLES:
        raise DomainError(_("Votre rôle ne permet pas cette action."))


def _check_workshop(actor: Membership | None, workshop: Workshop) -> None:
    _check_actor(actor)
    if not Workshop.objects.visible_to(actor).filter(pk=workshop.pk).exists():
        raise DomainError(_("Cet atelier n'est pas visible pour vous."))


def _workshop_site(actor: Membership, site: Site | None) -> Site:
    if actor.role == Role.NETWORK_ADMIN:
        if site is None or not Site.objects.visible_to(actor).filter(pk=site.pk).exists():
            raise DomainError(_("Choisissez l'espace de l'atelier."))
        return site
    if site is not None and site.pk != actor.organisation_id:
        raise DomainError(_("Un atelier se prévoit dans votre espace."))
    return Site.objects.get(pk=actor.organisation_id)


def _clean_fields(values: dict) -> dict:
    values = dict(values)
    values["title"] = " ".join((values.get("title") or "").split())
    if not values["title"]:
        raise DomainError(_("Donnez un titre à l'atelier."))
    if values.get("theme") not in Theme.values:
        raise DomainError(_("Choisissez la thématique de l'atelier."))
    if values.get("level") not in WorkshopLevel.values:
        raise DomainError(_("Choisissez le niveau de l'atelier."))
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise DomainError(_("L'atelier doit finir après son début."))
    if ends_at - starts_at > datetime.timedelta(hours=12):
        raise DomainError(_("Un atelier dure 12 heures au plus."))
    capacity = values.get("capacity")
    if not capacity or capacity < 1 or capacity > MAX_CAPACITY:
        raise DomainError(_("Le nombre de places va de 1 à %(max)d.") % {"max": MAX_CAPACITY})
    values["place"] = (values.get("place") or "").strip()
    values["description"] = (values.get("description") or "").strip()
    values["is_public"] = bool(values.get("is_public"))
    return values


def _locked(workshop: Workshop) -> Workshop:
    """The workshop's row, locked until the transaction ends: seats are counted under it."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def _confirmed_count(workshop: Workshop) -> int:
    return workshop.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


# --- workshops ---------------------------------------------------------------------------


@transaction.atomic
def workshop_create(
    *, actor: Membership, site: Site | None = None, mediator=None, **values
) -> Workshop:
    """A new workshop of the site (a network admin names the site)."""
    _check_actor(actor)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown workshop fields: {sorted(unknown)}")
    workshop_site = _workshop_site(actor, site)
    cleaned = _clean_fields(values)
    if cleaned["starts_at"] <= clock.now():
        raise DomainError(_("Choisissez une date à venir."))
    workshop = Workshop(site=workshop_site, mediator=mediator or actor.user, **cleaned)
    workshop.full_clean()
    workshop.save()
    record(
        actor=actor.user,
        action="workshop.created",
        obj=workshop,
        site=workshop_site.pk,
        payload={"role": actor.role, "capacity": workshop.capacity},
    )
    return workshop


@transaction.atomic
def workshop_update(*, actor: Membership, workshop: Workshop, **values) -> Workshop:
    """Change a coming workshop. More seats move people up from the waiting list; fewer
    seats than people registered is refused (cancel a registration first)."""
    _check_workshop(actor, workshop)
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown workshop fields: {sorted(unknown)}")
    workshop = _locked(workshop)
    if workshop.cancelled_at is not None:
        raise DomainError(_("Cet atelier est annulé : il ne peut plus changer."))
    if workshop.roll_call_at is not None:
        raise DomainError(_("L'appel de cet atelier est fait : il ne peut plus changer."))
    current = {name: getattr(workshop, name) for name in FIELDS}
    cleaned = _clean_fields({**current, **values})
    if cleaned["starts_at"] != current["starts_at"] and cleaned["starts_at"] <= clock.now():
        raise DomainError(_("Choisissez une date à venir."))
    confirmed = _confirmed_count(workshop)
    if cleaned["capacity"] < confirmed:
        raise DomainError(
            _(
                "%(count)d personnes sont déjà inscrites : gardez au moins %(count)d places, "
                "ou annulez des inscriptions d'abord."
            )
            % {"count": confirmed}
        )
    changed = sorted(name for name in FIELDS if cleaned[name] != current[name])
    for name in FIELDS:
        setattr(workshop, name, cleaned[name])
    workshop.full_clean()
    workshop.save()
    moved = _move_up(workshop, seats=workshop.capacity - confirmed)
    record(
        actor=actor.user,
        action="workshop.updated",
        obj=workshop,
        site=workshop.site_id,
        payload={"role": actor.role, "fields": changed, "moved_up": len(moved)},
    )
    return workshop


@transaction.atomic
def workshop_cancel(*, actor: Membership, workshop: Workshop) -> Workshop:
    """Cancel the workshop; everyone registered or waiting is told by SMS."""
    _check_workshop(actor, workshop)
    workshop = _locked(workshop)
    if workshop.cancelled_at is not None:
        raise DomainError(_("Cet atelier est déjà annulé."))
    if workshop.roll_call_at is not None:
        raise DomainError(_("L'appel de cet atelier est fait : il ne peut plus être annulé."))
    workshop.cancelled_at = clock.now()
    workshop.save(update_fields=["cancelled_at", "updated_at"])
    told = 0
    for registration in workshop.registrations.filter(status__in=LIVE).order_by("pk"):
        if _reachable(registration):
            notify(
                event_key=f"workshop_registration:{registration.pk}:workshop_cancelled",
                template=CANCELLED,
                recipient_kind=RecipientKind.PERSON,
                subject=registration,
                site=workshop.site,
            )
            told += 1
    record(
        actor=actor.user,
        action="workshop.cancelled",
        obj=workshop,
        site=workshop.site_id,
        payload={"role": actor.role, "told": told},
    )
    return workshop


# --- registrations -----------------------------------------------------------------------


def _reachable(registration: WorkshopRegistration) -> bool:
    if registration.phone:
        return True
    person = registration.beneficiary
    return bool(person and (person.phone or person.email))


def _check_open(workshop: Workshop) -> None:
    if workshop.cancelled_at is not None:
        raise DomainError(_("Cet atelier est annulé."))
    if workshop.starts_at <= clock.now():
        raise DomainError(_("Cet atelier a déjà commencé : on ne peut plus s'y inscrire."))


def _new_registration(workshop: Workshop, **fields) -> WorkshopRegistration:
    """Take a seat if one is left, else a place on the waiting list (workshop locked)."""
    now = clock.now()
    if _confirmed_count(workshop) < workshop.capacity:
        status, waiting_since = RegistrationStatus.CONFIRMED, None
    else:
        status, waiting_since = RegistrationStatus.WAITING, now
    return _save_new(
        WorkshopRegistration(
            workshop=workshop, status=status, waiting_since=waiting_since, **fields
        )
    )


def _tell_registered(registration: WorkshopRegistration) -> None:
    template = CONFIRMATION if registration.status == RegistrationStatus.CONFIRMED else WAITING
    notify(
        event_key=f"workshop_registration:{registration.pk}:registered",
        template=template,
        recipient_kind=RecipientKind.PERSON,
        subject=registration,
        site=registration.workshop.site,
    )


@transaction.atomic
def registration_by_mediator(
    *,
    actor: Membership,
    workshop: Workshop,
    beneficiary: Beneficiary | None = None,
    first_name: str = "",
    phone: str = "",
) -> WorkshopRegistration:
    """Register a file of the site, or a first name and a phone (already normalised)."""
    _check_workshop(actor, workshop)
    workshop = _locked(workshop)
    _check_open(workshop)
    if beneficiary is not None:
        if (
            beneficiary.site_id != workshop.site_id
            or beneficiary.merged_into_id
            or not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists()
        ):
            raise DomainError(_("Cette personne n'est pas un dossier de l'espace de l'atelier."))
        if workshop.registrations.filter(beneficiary=beneficiary, status__in=LIVE).exists():
            raise DomainError(_("Cette personne est déjà inscrite à cet atelier."))
        first_name, phone = beneficiary.first_name, beneficiary.phone
    else:
        first_name = " ".join((first_name or "").split())
        if not first_name or not phone:
            raise DomainError(_("Indiquez un prénom et un numéro de téléphone."))
        if workshop.registrations.filter(phone=phone, status__in=LIVE).exists():
            raise DomainError(_("Ce numéro est déjà inscrit à cet atelier."))
    registration = _new_registration(
        workshop,
        first_name=first_name[:60],
        phone=phone,
        beneficiary=beneficiary,
        registered_by=actor.user,
    )
    if _reachable(registration):
        _tell_registered(registration)
    record(
        actor=actor.user,
        action="workshop.registered",
        obj=workshop,
        site=workshop.site_id,
        payload={
            "role": actor.role,
            "registration": registration.pk,
            "status": registration.status,
            "with_file": beneficiary is not None,
        },
    )
    return registration


def site_allows_online_registration(site: Site, *, now=None) -> bool:
    """Count one online registration for the site; False beyond ``SITE_HOURLY_LIMIT``."""
    return ratelimit.hit(
        SITE_LIMIT_SCOPE, str(site.pk), limit=SITE_HOURLY_LIMIT, window_seconds=3600, now=now
    )


def upcoming_for_phone(phone: str) -> int:
    return WorkshopRegistration.objects.filter(
        phone=phone,
        status__in=LIVE,
        workshop__cancelled_at__isnull=True,
        workshop__starts_at__gt=clock.now(),
    ).count()


@transaction.atomic
def registration_online(
    *, workshop: Workshop, first_name: str, phone: str
) -> tuple[WorkshopRegistration, bool]:
    """The person registers on the public agenda: (registration, whether an SMS goes).

    ``phone`` is normalised (tisser.core.phones). The same number on the same workshop
    gets its existing registration back (no second SMS). The confirmation goes through
    the caps of anonymous forms (notifications.caps): at most one a day per number.
    """
    workshop = _locked(workshop)
    if not workshop.is_public:
        raise DomainError(_("On ne s'inscrit pas en ligne à cet atelier : appelez l'espace."))
    _check_open(workshop)
    first_name = " ".join((first_name or "").split())[:60]
    if not first_name or not phone:
        raise DomainError(_("Indiquez votre prénom et votre numéro de téléphone."))
    existing = workshop.registrations.filter(phone=phone, status__in=LIVE).first()
    if existing is not None:
        return existing, False
    if upcoming_for_phone(phone) >= MAX_UPCOMING_PER_PHONE:
        raise DomainError(
            _(
                "Ce numéro est déjà inscrit à %(count)d ateliers à venir. Annulez une "
                "inscription avec le lien reçu par SMS, ou appelez l'espace."
            )
            % {"count": MAX_UPCOMING_PER_PHONE}
        )
    registration = _new_registration(workshop, first_name=first_name, phone=phone)
    outcome = caps.claim_acknowledgement(site=workshop.site, channel=Channel.SMS, address=phone)
    if outcome.allowed:
        _tell_registered(registration)
    return registration, outcome.allowed


def _move_up(workshop: Workshop, *, seats: int) -> list[WorkshopRegistration]:
    """Give up to ``seats`` free seats to the waiting list, first come first served, and
    tell each person moved up (workshop locked)."""
    if seats <= 0 or workshop.cancelled_at is not None:
        return []
    waiting = list(
        workshop.registrations.filter(status=RegistrationStatus.WAITING).order_by(
            F("waiting_since").asc(nulls_last=True), "pk"
        )[:seats]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        if _reachable(registration):
            notify(
                event_key=f"workshop_registration:{registration.pk}:moved_up",
                template=MOVED_UP,
                recipient_kind=RecipientKind.PERSON,
                subject=registration,
                site=workshop.site,
            )
    return waiting


def _cancel(registration: WorkshopRegistration) -> tuple[WorkshopRegistration, list]:
    workshop = _locked(registration.workshop)
    registration = WorkshopRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_("Cette inscription est déjà annulée."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = clock.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    moved = []
    if was_confirmed and workshop.starts_at > clock.now():
        moved = _move_up(workshop, seats=workshop.capacity - _confirmed_count(workshop))
    registration.workshop = workshop
    return registration, moved


@transaction.atomic
def registration_cancel(
    *, actor: Membership, registration: WorkshopRegistration
) -> WorkshopRegistration:
    """A mediator cancels someone's seat (or place on the waiting list)."""
    _check_workshop(actor, registration.workshop)
    registration, moved = _cancel(registration)
    record(
        actor=actor.user,
        action="workshop.registration_cancelled",
        obj=registration.workshop,
        site=registration.workshop.site_id,
        payload={"role": actor.role, "registration": registration.pk, "moved_up": len(moved)},
    )
    return registration


@transaction.atomic
def registration_cancel_by_token(*, token: str) -> WorkshopRegistration:
    """The person cancels with the link of their SMS (the page's button, a POST)."""
    registration = registration_for_token(token)
    if registration is None:
        raise DomainError(_("Ce lien ne marche pas. Appelez l'espace pour annuler."))
    if registration.workshop.starts_at <= clock.now():
        raise DomainError(_("Cet atelier est passé : il n'y a plus rien à annuler."))
    registration, _moved = _cancel(registration)
    return registration


# --- the reminder the day before -------------------------------------------------------


def reminder_event_key(registration: WorkshopRegistration) -> str:
    """One reminder per registration and workshop date: a second run, or two schedulers
    racing, queue nothing more (the event key is unique)."""
    day = timezone.localdate(registration.workshop.starts_at)
    return f"workshop_registration:{registration.pk}:reminder:{day.isoformat()}"


def due_for_reminder(now: datetime.datetime) -> list[WorkshopRegistration]:
    """Seats confirmed before ``now`` at coming workshops that start tomorrow (Paris)."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = start_of_day(tomorrow)
    end = start + datetime.timedelta(days=1)
    return list(
        WorkshopRegistration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            created_at__lt=now,
            workshop__cancelled_at__isnull=True,
            workshop__starts_at__gte=start,
            workshop__starts_at__lt=end,
        )
        .filter(~Q(phone="") | Q(beneficiary__isnull=False))
        .select_related("workshop", "workshop__site", "beneficiary")
        .order_by("pk")
    )


def send_workshop_reminders(now: datetime.datetime) -> dict[str, int]:
    keys = {
        reminder_event_key(registration): registration
        for registration in due_for_reminder(now)
        if _reachable(registration)
    }
    known = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    created = 0
    for key, registration in keys.items():
        if key in known:
            continue
        with transaction.atomic():
            notify(
                event_key=key,
                template=REMINDER,
                recipient_kind=RecipientKind.PERSON,
                subject=registration,
                site=registration.workshop.site,
            )
        created += 1
    return {"reminders": created, "already_queued": len(known)}
