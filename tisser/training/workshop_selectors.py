"""Reads of workshops: the public agenda (no membership: only public, coming workshops of
active spaces) and the staff pages (through ``visible_to(membership)``).

Every list is one query for its rows, seats counted in the same query (an aggregate per
workshop), plus the pagination's count: the cost does not grow with the rows.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Lower

from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop, WorkshopRegistration

SEARCH_LIMIT = 10
CONFIRMED = Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED))
WAITING = Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING))


def _with_seats(queryset):
    return queryset.annotate(confirmed_count=CONFIRMED, waiting_count=WAITING)


# --- public -------------------------------------------------------------------------------


def _public_upcoming(now=None):
    return Workshop.objects.filter(
        is_public=True,
        cancelled_at__isnull=True,
        starts_at__gt=now or clock.now(),
        site__is_active=True,
    )


def public_upcoming_filtered(*, site=None, city: str = "", theme: str = "", now=None):
    """Coming public workshops of active spaces, narrowed; bare rows (for counting)."""
    queryset = _public_upcoming(now)
    if site is not None:
        queryset = queryset.filter(site=site)
    if city:
        queryset = queryset.filter(site__city=city)
    if theme:
        queryset = queryset.filter(theme=theme)
    return queryset


def public_upcoming_workshops(*, site=None, city: str = "", theme: str = "", now=None):
    """Coming public workshops, soonest first, with their site and seats (one query)."""
    queryset = public_upcoming_filtered(site=site, city=city, theme=theme, now=now)
    return _with_seats(
        queryset.select_related("site").only(
            "pk",
            "title",
            "theme",
            "level",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "site__name",
            "site__short_code",
            "site__city",
            "site__address",
            "site__postal_code",
        )
    ).order_by("starts_at", "pk")


def public_agenda_cities(*, now=None) -> list[str]:
    """The cities that have coming public workshops (the agenda's filter)."""
    return list(
        _public_upcoming(now).order_by("site__city").values_list("site__city", flat=True).distinct()
    )


def public_workshop(*, pk: int, now=None) -> Workshop:
    """One coming public workshop with its seats (Workshop.DoesNotExist otherwise)."""
    return _with_seats(_public_upcoming(now).select_related("site")).get(pk=pk)


# --- staff --------------------------------------------------------------------------------


def workshop_list(*, membership, past: bool = False, now=None):
    """The workshops the member sees: coming ones soonest first, or past ones newest first."""
    now = now or clock.now()
    queryset = Workshop.objects.visible_to(membership).select_related("site")
    if past:
        queryset = queryset.filter(starts_at__lte=now).order_by("-starts_at", "-pk")
    else:
        queryset = queryset.filter(starts_at__gt=now).order_by("starts_at", "pk")
    return _with_seats(queryset)


def workshop_list_count(*, membership, past: bool = False, now=None) -> int:
    now = now or clock.now()
    queryset = Workshop.objects.visible_to(membership)
    if past:
        return queryset.filter(starts_at__lte=now).count()
    return queryset.filter(starts_at__gt=now).count()


def workshop_registrations(*, membership, workshop: Workshop, status: str):
    """The workshop's registrations of one status: seats in the order taken, the waiting
    list in the order it moves up."""
    return (
        WorkshopRegistration.objects.visible_to(membership)
        .filter(workshop=workshop, status=status)
        .select_related("beneficiary")
        .order_by("waiting_since", "created_at", "pk")
    )


def registration_candidates(*, membership, workshop: Workshop, query: str) -> list[Beneficiary]:
    """Files of the workshop's site matching a name or a file number."""
    query = " ".join((query or "").split())
    if len(query) < 2:
        return []
    every_word = Q()
    for word in query.split():
        every_word &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    match = Q(file_number__iexact=query) | every_word
    return list(
        Beneficiary.objects.visible_to(membership)
        .filter(match, site_id=workshop.site_id, merged_into__isnull=True)
        .only("pk", "first_name", "last_name", "file_number", "phone")
        .order_by(Lower("last_name"), Lower("first_name"), "pk")[:SEARCH_LIMIT]
    )
