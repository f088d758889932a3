"""Reads of activity records, scoped by the acting membership.

Who reads what: a site's mediators and managers, their site's records; network admins,
every record of their network (read only); volunteers, partners and funders, none. Lists
carry what the page shows (site, author, identified participants) in a constant number of
queries, in the order of the ``activity_site_newest`` index.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Max, Prefetch, QuerySet

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, User
from tisser.activities.enums import RECENT_THEMES, THEME_BITS
from tisser.activities.models import Activity, Participation
from tisser.activities.people import appointment_person_field
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.referrals.enums import AppointmentStatus
from tisser.referrals.models import Appointment

SITE_TEAM_ROLES: frozenset[str] = frozenset({Role.MEDIATOR, Role.SITE_MANAGER})
READER_ROLES: frozenset[str] = frozenset({*SITE_TEAM_ROLES, Role.NETWORK_ADMIN})
# How many recent records are read to rank the mediator's themes.
RECENT_RECORDS = 30


def activities_readable(membership: Membership | None) -> QuerySet[Activity]:
    if membership is None or not membership.is_active or membership.role not in READER_ROLES:
        return Activity.objects.none()
    if membership.role in SITE_TEAM_ROLES:
        # Written without visible_to()'s join so PostgreSQL answers from the site's indexes.
        return Activity.objects.filter(site_id=membership.organisation_id)
    return Activity.objects.visible_to(membership)


@dataclass(frozen=True)
class ActivityFilters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    mediator: int | None = None
    theme: str = ""
    kind: str = ""
    operator: str = ""
    site: int | None = None


def filter_activities(queryset: QuerySet[Activity], filters: ActivityFilters) -> QuerySet[Activity]:
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.mediator:
        queryset = queryset.filter(mediator_id=filters.mediator)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.operator:
        queryset = queryset.filter(operator=filters.operator)
    if filters.site:
        queryset = queryset.filter(site_id=filters.site)
    if filters.theme in THEME_BITS:
        bit = THEME_BITS[filters.theme]
        queryset = queryset.alias(theme_hit=F("theme_mask").bitand(bit)).filter(theme_hit=bit)
    return queryset


def _identified() -> Prefetch:
    return Prefetch(
        "participations",
        queryset=Participation.objects.select_related("beneficiary").order_by("pk"),
        to_attr="identified",
    )


# What a card of the list shows: nothing else is read (no JSON column to decode).
LIST_FIELDS = (
    "id", "kind", "date", "duration_minutes", "anonymous_count", "site_id", "mediator_id",
    "site__name", "mediator__first_name", "mediator__last_name", "mediator__email",
)  # fmt: skip


def activity_list(
    *, membership: Membership, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """The list page's rows, newest first: site, author and identified participants' names."""
    queryset = filter_activities(activities_readable(membership), filters or ActivityFilters())
    names = Prefetch(
        "participations",
        queryset=Participation.objects.select_related("beneficiary")
        .only("activity_id", "beneficiary__first_name", "beneficiary__last_name")
        .order_by("pk"),
        to_attr="identified",
    )
    return (
        queryset.select_related("site", "mediator")
        .only(*LIST_FIELDS)
        .prefetch_related(names)
        .order_by("-date", "-id")
    )


def activity_export_rows(
    *, membership: Membership, filters: ActivityFilters | None = None
) -> QuerySet[Activity]:
    """The export's rows, oldest first as the national tool writes them."""
    queryset = filter_activities(activities_readable(membership), filters or ActivityFilters())
    return (
        queryset.select_related("site", "mediator")
        .prefetch_related(_identified())
        .order_by("date", "id")
    )


def activity_detail(*, membership: Membership, pk: int) -> Activity:
    return (
        activities_readable(membership)
        .select_related("site", "mediator", "appointment")
        .prefetch_related(_identified())
        .get(pk=pk)
    )


def recent_themes(*, membership: Membership) -> list[str]:
    """The acting mediator's most recent themes, most recent first (at most RECENT_THEMES)."""
    rows = (
        Activity.objects.filter(site_id=membership.organisation_id, mediator_id=membership.user_id)
        .order_by("-created_at")
        .values_list("themes", flat=True)[:RECENT_RECORDS]
    )
    ordered: list[str] = []
    for themes in rows:
        for code in themes:
            if code not in ordered:
                ordered.append(code)
    return ordered[:RECENT_THEMES]


def last_duration(*, membership: Membership) -> int | None:
    """The duration the mediator chose last time (offered as the default)."""
    return (
        Activity.objects.filter(site_id=membership.organisation_id, mediator_id=membership.user_id)
        .order_by("-created_at")
        .values_list("duration_minutes", flat=True)
        .first()
    )


def site_mediators(*, membership: Membership) -> QuerySet[User]:
    """The people who may be the author of a record in the list's filter."""
    users = User.objects.filter(
        memberships__role__in=SITE_TEAM_ROLES,
    )
    if membership.role in SITE_TEAM_ROLES:
        users = users.filter(memberships__organisation_id=membership.organisation_id)
    else:
        users = users.filter(memberships__organisation__in=_network_sites(membership))
    return users.distinct().order_by("last_name", "first_name", "pk")


def _network_sites(membership: Membership):
    from tisser.accounts.models import Site

    return Site.objects.visible_to(membership).values("pk")


def appointments_to_record(*, membership: Membership) -> QuerySet[Appointment]:
    """Today's appointments of the site that have no record yet (one tap to record one)."""
    if membership.role not in SITE_TEAM_ROLES:
        return Appointment.objects.none()
    today = clock.localdate()
    recorded = Activity.objects.filter(appointment__isnull=False).values("appointment_id")
    return (
        Appointment.objects.filter(
            site_id=membership.organisation_id,
            starts_at__date=today,
            status__in=[AppointmentStatus.PLANNED, AppointmentStatus.CAME],
        )
        .exclude(pk__in=recorded)
        .select_related(appointment_person_field(), "referral")
        .order_by("starts_at")
    )


def appointment_in_scope(*, membership: Membership, pk: int | None) -> Appointment | None:
    if pk is None or membership.role not in SITE_TEAM_ROLES:
        return None
    return (
        Appointment.objects.filter(site_id=membership.organisation_id, pk=pk)
        .select_related(appointment_person_field(), "referral")
        .first()
    )


def activity_for_appointment(appointment: Appointment) -> Activity | None:
    return Activity.objects.filter(appointment=appointment).first()


def recorded_appointment_ids(appointment_ids) -> set[int]:
    """Which of these appointments already have their activity record (one query)."""
    return set(
        Activity.objects.filter(appointment_id__in=list(appointment_ids)).values_list(
            "appointment_id", flat=True
        )
    )


RECENT_FILES_DAYS = 30


def my_recent_files(*, membership: Membership, limit: int) -> list[Beneficiary]:
    """The files of the people this member recorded an activity for in the last 30 days,
    the most recent first (two queries: the ids, then the files)."""
    if membership is None or membership.role not in SITE_TEAM_ROLES:
        return []
    since = clock.localdate() - datetime.timedelta(days=RECENT_FILES_DAYS)
    latest = (
        Participation.objects.filter(
            activity__site_id=membership.organisation_id,
            activity__mediator_id=membership.user_id,
            activity__date__gte=since,
            beneficiary__merged_into__isnull=True,
        )
        .values("beneficiary_id")
        .annotate(last=Max("activity__date"))
        .order_by("-last", "-beneficiary_id")[:limit]
    )
    last_seen = {row["beneficiary_id"]: row["last"] for row in latest}
    files = Beneficiary.objects.filter(pk__in=last_seen).only(
        "id", "first_name", "last_name", "file_number"
    )
    ordered = sorted(files, key=lambda file: (last_seen[file.pk], file.pk), reverse=True)
    for file in ordered:
        file.last_activity_on = last_seen[file.pk]
    return ordered
