"""Reads about referrals, scoped by the acting membership.

Who reads what:

- a site's manager and mediators: the referrals sent to their site, once sent (a partner's
  draft or a referral still in moderation is not theirs to see yet);
- a partner's referrers: their organisation's referrals, drafts included;
- network admins: every referral of their network (moderation queue included);
- volunteers and funders: none.

Lists return querysets with what the page shows already joined or prefetched, so a page of
rows costs the same few queries as a page of one; views paginate them
(``tisser.core.views_helpers.paginate``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, QuerySet

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.core import clock
from tisser.core.fixed_queries import FixedQuery
from tisser.referrals.enums import AppointmentStatus, ReferralSource, ReferralStatus
from tisser.referrals.models import Appointment, Referral, ReferralEvent

SITE_TEAM_ROLES: frozenset[str] = frozenset({Role.SITE_MANAGER, Role.MEDIATOR})
READER_ROLES: frozenset[str] = frozenset(
    {*SITE_TEAM_ROLES, Role.PARTNER_REFERRER, Role.NETWORK_ADMIN}
)


def referrals_readable(membership: Membership | None) -> QuerySet[Referral]:
    """Every referral the membership may read (the base of every other selector)."""
    if membership is None or not membership.is_active or membership.role not in READER_ROLES:
        return Referral.objects.none()
    # Site staff and referrers read a strict subset of visible_to() (their own site, their
    # own partner), written without its "site OR partner" condition: that OR keeps
    # PostgreSQL from answering from the (site, status, submitted_at) and (partner, ...)
    # indexes and made the inbox read every referral of the site (docs/benchmarks.md).
    if membership.role in SITE_TEAM_ROLES:
        return Referral.objects.filter(
            site_id=membership.organisation_id, submitted_at__isnull=False
        )
    if membership.role == Role.PARTNER_REFERRER:
        return Referral.objects.filter(partner_id=membership.organisation_id)
    return Referral.objects.visible_to(membership)


def _planned_appointments() -> Prefetch:
    return Prefetch(
        "appointments",
        # The inbox row shows when (``{% planned_appointment %}``): the moment, nothing else.
        queryset=Appointment.objects.filter(status=AppointmentStatus.PLANNED).only(
            "id", "referral_id", "starts_at"
        ),
        to_attr="planned_appointments",
    )


# The appointments that tell a referrer whether the person came (partner list).
ATTENDANCE_STATUSES = (AppointmentStatus.PLANNED, AppointmentStatus.CAME, AppointmentStatus.NO_SHOW)


def _attendance_appointments() -> Prefetch:
    return Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(status__in=ATTENDANCE_STATUSES).only(
            "pk", "referral_id", "starts_at", "status"
        ),
        to_attr="attendance_appointments",
    )


def filter_referrals(
    queryset: QuerySet[Referral],
    *,
    status: str | None = None,
    partner: int | None = None,
    site: int | None = None,
    min_age_days: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Referral]:
    """Narrow a list: by status, by partner or site (ids), by days waited since sending."""
    if status:
        queryset = queryset.filter(status=status)
    if partner:
        queryset = queryset.filter(partner_id=partner)
    if site:
        queryset = queryset.filter(site_id=site)
    if min_age_days:
        now = now or clock.now()
        queryset = queryset.filter(submitted_at__lte=now - timedelta(days=min_age_days))
    return queryset


def referral_inbox(
    *,
    membership: Membership,
    site: int | None = None,
    status: str | None = None,
    partner: int | None = None,
    min_age_days: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Referral]:
    """The site inbox: referrals sent to the membership's site (any site of the network for a
    network admin, narrowed with ``site``), newest first. Partner referrers get nothing here."""
    return inbox_rows(
        referral_inbox_scope(
            membership=membership,
            site=site,
            status=status,
            partner=partner,
            min_age_days=min_age_days,
            now=now,
        )
    )


def referral_inbox_scope(
    *,
    membership: Membership,
    site: int | None = None,
    status: str | None = None,
    partner: int | None = None,
    min_age_days: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Referral]:
    """The referrals of ``referral_inbox``, without what its rows show: what the inbox counts
    (no join to the names of the site and the partner)."""
    if membership is None or membership.role not in (*SITE_TEAM_ROLES, Role.NETWORK_ADMIN):
        return Referral.objects.none()
    queryset = referrals_readable(membership).filter(submitted_at__isnull=False)
    return filter_referrals(
        queryset,
        status=status,
        partner=partner,
        site=site,
        min_age_days=min_age_days,
        now=now,
    )


def inbox_rows(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """What an inbox row shows of these referrals, newest first."""
    return (
        # The list shows these columns only: the others (the free texts, the four JSON
        # lists, the contact details) cost a third of the page to load and decode, and the
        # two organisations are read as their names: building a site and a partner object
        # for each row cost as much again (docs/decisions/0018-signed-in-page-cost.md).
        queryset.only(*INBOX_COLUMNS)
        .annotate(site_name=F("site__name"), partner_name=F("partner__name"))
        .prefetch_related(_planned_appointments())
        .order_by("-submitted_at", "-pk")
    )


# What the inbox rows read (referral_tags.inbox_rows), besides ``site_name`` and
# ``partner_name``; a field read but not listed here would cost one query per row
# (tests/referrals/test_page_cost.py keeps the count fixed).
INBOX_COLUMNS = (
    "id",
    "site_id",
    "partner_id",
    "source",
    "status",
    "submitted_at",
    "reply_due_on",
    "first_name",
    "last_name",
)


def referral_partner_list(
    *,
    membership: Membership,
    status: str | None = None,
    site: int | None = None,
    min_age_days: int | None = None,
    now: datetime | None = None,
) -> QuerySet[Referral]:
    """A partner referrer's list: every referral of their organisation, drafts included."""
    if membership is None or membership.role != Role.PARTNER_REFERRER:
        return Referral.objects.none()
    queryset = filter_referrals(
        referrals_readable(membership),
        status=status,
        site=site,
        min_age_days=min_age_days,
        now=now,
    )
    return (
        queryset.select_related("site", "partner", "referrer")
        .prefetch_related(_attendance_appointments())
        .order_by("-created_at", "-pk")
    )


def referral_moderation_queue(*, membership: Membership) -> QuerySet[Referral]:
    """Referrals waiting for a network admin: those of partners not yet validated (and any
    public request left there before they went straight to their space)."""
    if membership is None or membership.role != Role.NETWORK_ADMIN:
        return Referral.objects.none()
    return (
        referrals_readable(membership)
        .filter(status=ReferralStatus.MODERATION_PENDING)
        .select_related("site", "partner")
        .order_by("created_at", "pk")
    )


def help_requests_overdue(*, membership: Membership, today=None) -> QuerySet[Referral]:
    """Public help requests past their reply day, oldest deadline first: across the network
    for a network admin, the own site for a site manager, nothing for anyone else."""
    if membership is None or membership.role not in (Role.NETWORK_ADMIN, Role.SITE_MANAGER):
        return Referral.objects.none()
    today = today or clock.localdate()
    return (
        referrals_readable(membership)
        .filter(
            status=ReferralStatus.SUBMITTED,
            source=ReferralSource.PUBLIC_REQUEST,
            reply_due_on__lt=today,
        )
        .select_related("site")
        .order_by("reply_due_on", "pk")
    )


def _badge_query(role: str, organisation: int) -> QuerySet:
    """The referrals the badge counts, by status (the shape depends on the role only)."""
    acting = Membership(organisation_id=organisation, role=role, is_active=True)
    return (
        referrals_readable(acting)
        .filter(status__in=[ReferralStatus.SUBMITTED, ReferralStatus.MODERATION_PENDING])
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )


# On every signed-in page of a site team or a network admin: compiled once per process and
# role (docs/decisions/0048-fixed-queries.md).
_BADGE = FixedQuery("referrals.inbox_counts", _badge_query)


def inbox_counts(*, membership: Membership | None) -> dict[str, int]:
    """The navigation badge, in one query: ``new`` = submitted to the site and not yet
    answered; ``moderation`` = waiting for a network admin (zero for everyone else)."""
    counts = {"new": 0, "moderation": 0}
    if (
        membership is None
        or not membership.is_active
        or membership.role not in (*SITE_TEAM_ROLES, Role.NETWORK_ADMIN)
    ):
        return counts
    # Only the two counted statuses are read (a few rows, from the status indexes).
    by_status = {
        row["status"]: row["count"]
        for row in _BADGE.rows(shape=membership.role, organisation=membership.organisation_id)
    }
    counts["new"] = by_status.get(ReferralStatus.SUBMITTED, 0)
    if membership.role == Role.NETWORK_ADMIN:
        counts["moderation"] = by_status.get(ReferralStatus.MODERATION_PENDING, 0)
    return counts


def referral_detail(*, membership: Membership, pk: int) -> Referral:
    """One referral with its history, appointments and messages (raises DoesNotExist when
    out of scope: the view answers 404). Constant number of queries.

    The messages (``referral.sent_messages``) point to the referral by a generic subject,
    not a foreign key, so they are read in one more query rather than prefetched."""
    from tisser.notifications.models import Notification

    referral = (
        referrals_readable(membership)
        .select_related("site", "partner", "referrer", "beneficiary")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ReferralEvent.objects.select_related("actor").order_by("at", "pk"),
            ),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("mediator").order_by(
                    "-starts_at", "-pk"
                ),
            ),
        )
        .get(pk=pk)
    )
    referral.sent_messages = list(  # type: ignore[attr-defined]
        Notification.objects.about(Referral._meta.label_lower, [referral.pk]).order_by(
            "created_at", "pk"
        )
    )
    return referral


def referral_summary(*, membership: Membership, pk: int) -> Referral:
    """One referral with what its printed summary shows: the site and its hours, the
    planned appointments, the referrer and their organisation (4 queries, whatever the data).
    Raises DoesNotExist when out of scope."""
    return (
        referrals_readable(membership)
        .select_related("site", "partner", "referrer")
        .prefetch_related(
            "site__opening_hours",
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(status=AppointmentStatus.PLANNED),
            ),
        )
        .get(pk=pk)
    )


# --- appointments (the staff home and the site agenda) ---------------------------------------

# Appointments shown in a day's list: the planned ones and their outcomes.
AGENDA_STATUSES = (AppointmentStatus.PLANNED, AppointmentStatus.CAME, AppointmentStatus.NO_SHOW)
# How many rows a home section shows at most (with the total, and a link to the full list).
HOME_SECTION_SIZE = 20


def appointments_readable(membership: Membership | None) -> QuerySet[Appointment]:
    """The appointments of the membership's own site (its manager and mediators only)."""
    if membership is None or not membership.is_active or membership.role not in SITE_TEAM_ROLES:
        return Appointment.objects.none()
    return Appointment.objects.filter(site_id=membership.organisation_id)


def _with_people(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """What a row shows: who (file, referral or walk-in), with whom, from which partner:
    the columns the card reads only (``{% appointment_card %}``), not every column of the
    appointment, its referral (free texts, JSON lists), its file and its mediator."""
    return appointments.select_related(
        "referral", "referral__partner", "beneficiary", "mediator"
    ).only(*APPOINTMENT_CARD_COLUMNS)


# What ``{% appointment_card %}`` (workspace) reads; a field read but not listed here would
# cost one query per card (tests/referrals/test_page_cost.py keeps the count fixed).
APPOINTMENT_CARD_COLUMNS = (
    "id",
    "site_id",
    "referral_id",
    "beneficiary_id",
    "mediator_id",
    "walk_in_name",
    "starts_at",
    "ends_at",
    "reason",
    "status",
    "referral__id",
    "referral__first_name",
    "referral__last_name",
    "referral__reason",
    "referral__partner_id",
    "referral__partner__name",
    "beneficiary__id",
    "beneficiary__first_name",
    "beneficiary__last_name",
    "beneficiary__file_number",
    "mediator__id",
    "mediator__first_name",
    "mediator__last_name",
    "mediator__email",
)


def appointments_between(
    *, membership: Membership, start: datetime, end: datetime, mediator_id: int | None = None
) -> QuerySet[Appointment]:
    """The site's appointments starting in [start, end), in time order."""
    appointments = appointments_readable(membership).filter(
        starts_at__gte=start, starts_at__lt=end, status__in=AGENDA_STATUSES
    )
    if mediator_id is not None:
        appointments = appointments.filter(mediator_id=mediator_id)
    return _with_people(appointments).order_by("starts_at", "pk")


def appointments_overdue(*, membership: Membership, before: datetime) -> QuerySet[Appointment]:
    """Planned appointments of past days that nobody marked (came or not), oldest first."""
    return _with_people(
        appointments_readable(membership).filter(
            status=AppointmentStatus.PLANNED, starts_at__lt=before
        )
    ).order_by("starts_at", "pk")


def referrals_awaiting_answer(*, membership: Membership) -> QuerySet[Referral]:
    """Referrals sent to the site and not answered yet, oldest first (their age shows)."""
    if membership is None or membership.role not in SITE_TEAM_ROLES:
        return Referral.objects.none()
    return (
        referrals_readable(membership)
        .filter(status=ReferralStatus.SUBMITTED)
        # What the card shows (``{% awaiting_card %}``), the partner as its name.
        .only("id", "partner_id", "first_name", "last_name", "submitted_at")
        .annotate(partner_name=F("partner__name"))
        .order_by("submitted_at", "pk")
    )


def partner_status_counts(*, membership: Membership | None) -> list[tuple[str, str, int]]:
    """A partner's referrals counted by status, in the statuses' own order, in one query:
    ``(code, label, count)`` for every status (zero included, so the list never jumps)."""
    if membership is None or membership.role != Role.PARTNER_REFERRER:
        return []
    counted = dict(
        referrals_readable(membership)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [(code, str(label), counted.get(code, 0)) for code, label in ReferralStatus.choices]


# --- the site inbox's first page, as fixed queries ----------------------------------------
# The inbox's usual view (a site team's inbox, no filter or a status only, the first page)
# runs the same three queries on every request: compiled once per connection, like the
# badge (docs/decisions/0018-signed-in-page-cost.md, fifth round). Any other view goes
# through ``referral_inbox_scope`` and ``inbox_rows``.


def _inbox_count_query(*, site: int, status: str) -> QuerySet:
    return (
        Referral.objects.filter(site_id=site, submitted_at__isnull=False, status=status)
        .values("status")
        .annotate(count=Count("pk"))
        .order_by()
    )


def _inbox_rows_query(*, site: int, status: str) -> QuerySet:
    from tisser.core.views_helpers import PAGE_SIZE

    return (
        Referral.objects.filter(site_id=site, submitted_at__isnull=False, status=status)
        .order_by("-submitted_at", "-pk")
        .values(*INBOX_COLUMNS, site_name=F("site__name"), partner_name=F("partner__name"))[
            :PAGE_SIZE
        ]
    )


def _planned_query(count: int, **markers) -> QuerySet:
    """The planned appointments of the rows, as ``_planned_appointments`` reads them."""
    return Appointment.objects.filter(
        referral_id__in=[markers[f"r{index}"] for index in range(count)],
        status=AppointmentStatus.PLANNED,
    ).values("id", "referral_id", "starts_at")


_INBOX_COUNT = FixedQuery("referrals.inbox_first_page_count", _inbox_count_query)
_INBOX_ROWS = FixedQuery("referrals.inbox_first_page_rows", _inbox_rows_query)
_INBOX_PLANNED = FixedQuery("referrals.inbox_first_page_planned", _planned_query)

# The columns in each model's order, as ``Model.from_db`` reads them.
_INBOX_ATTNAMES = tuple(
    field.attname for field in Referral._meta.concrete_fields if field.attname in INBOX_COLUMNS
)
_PLANNED_ATTNAMES = tuple(
    field.attname
    for field in Appointment._meta.concrete_fields
    if field.attname in ("id", "referral_id", "starts_at")
)


def inbox_first_page_fits(membership: Membership | None) -> bool:
    """Whether ``inbox_first_page`` reads this member's inbox: a site team's own site."""
    return membership is not None and membership.is_active and membership.role in SITE_TEAM_ROLES


def inbox_first_page(*, membership: Membership, status: str) -> tuple[int, list[Referral]]:
    """How many referrals of the member's site are in ``status``, and the first page of
    them as ``inbox_rows`` gives it (the same columns, ``site_name``, ``partner_name`` and
    ``planned_appointments``), for ``inbox_first_page_fits`` members."""
    site = membership.organisation_id
    count = sum(row["count"] for row in _INBOX_COUNT.rows(site=site, status=status))
    if not count:
        return 0, []
    rows = []
    for values in _INBOX_ROWS.rows(site=site, status=status):
        referral = Referral.from_db(
            "default", _INBOX_ATTNAMES, [values[name] for name in _INBOX_ATTNAMES]
        )
        # The annotations and the prefetch ``inbox_rows`` gives, set as they would be.
        referral.site_name = values["site_name"]  # type: ignore[attr-defined]
        referral.partner_name = values["partner_name"]  # type: ignore[attr-defined]
        referral.planned_appointments = []  # type: ignore[attr-defined]
        rows.append(referral)
    by_id = {referral.pk: referral for referral in rows}
    if by_id:
        ids: dict[str, Any] = {f"r{index}": pk for index, pk in enumerate(by_id)}
        # In the prefetch's order: ``Appointment.Meta.ordering``, in the SQL as there.
        for values in _INBOX_PLANNED.rows(shape=len(ids), **ids):
            appointment = Appointment.from_db(
                "default", _PLANNED_ATTNAMES, [values[name] for name in _PLANNED_ATTNAMES]
            )
            by_id[values["referral_id"]].planned_appointments.append(appointment)  # type: ignore[attr-defined]
    return count, rows
