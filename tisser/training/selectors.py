"""Reads of programmes, cohorts and their schedule, scoped by the acting membership.

Every function takes the acting ``membership`` (None reads nothing). Programmes belong to
the network: a network admin reads its network's (``visible_to``), a site team reads the
programmes of its site's network (to run them), nobody else. Cohorts, their sessions and
the workshops belong to a site (``visible_to``: the site's team, the network's admin).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary
from tisser.core.names import normalize_name
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.training.enums import EnrolmentStatus, RegistrationStatus
from tisser.training.models import (
    Cohort,
    CohortSession,
    Enrolment,
    Programme,
    ProgrammeSession,
    Workshop,
    WorkshopRegistration,
)

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def programmes_visible(*, membership: Membership | None) -> QuerySet[Programme]:
    """The programmes the member may read, newest period first, with their plan's size."""
    if membership is None or not membership.is_active:
        return Programme.objects.none()
    if membership.role == Role.NETWORK_ADMIN:
        programmes = Programme.objects.visible_to(membership)
    elif membership.role in SITE_TEAM:
        # The site's network: one join (Organisation.network's reverse is ``members``).
        programmes = Programme.objects.filter(network__members=membership.organisation_id)
    else:
        return Programme.objects.none()

    def of_plan(aggregate):
        return Coalesce(
            Subquery(
                ProgrammeSession.objects.filter(programme=OuterRef("pk"))
                .values("programme")
                .annotate(value=aggregate)
                .values("value")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return programmes.annotate(
        session_count=of_plan(Count("pk")),
        planned_minutes=of_plan(Sum("duration_minutes")),
    ).order_by("-starts_on", "name", "pk")


def programme_plan(*, membership: Membership | None, programme: Programme) -> list:
    """The programme's sessions in order, if the member may read the programme."""
    if not programmes_visible(membership=membership).filter(pk=programme.pk).exists():
        return []
    return list(ProgrammeSession.objects.filter(programme=programme).order_by("position"))


def _enrolled(status=EnrolmentStatus.ENROLLED):
    return Coalesce(
        Subquery(
            Enrolment.objects.filter(cohort=OuterRef("pk"), status=status)
            .values("cohort")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def cohorts_for_site(*, membership: Membership | None) -> QuerySet[Cohort]:
    """The cohorts of the member's site (of the whole network for its admin), newest first,
    with their programme, site, people enrolled and waiting, and their first session."""
    if membership is None or membership.role not in (Role.NETWORK_ADMIN, *SITE_TEAM):
        return Cohort.objects.none()
    first = (
        CohortSession.objects.filter(cohort=OuterRef("pk"))
        .values("cohort")
        .annotate(first=Min("starts_at"))
        .values("first")[:1]
    )
    return (
        Cohort.objects.visible_to(membership)
        .select_related("programme", "site")
        .annotate(
            enrolled=_enrolled(),
            waiting=_enrolled(EnrolmentStatus.WAITING),
            first_session=Subquery(first),
        )
        .order_by("-starts_on", "name", "pk")
    )


def cohort_schedule(*, membership: Membership | None, cohort: Cohort) -> QuerySet[CohortSession]:
    """The cohort's sessions in time order, with their plan (title, diagnostic, modules)."""
    return (
        CohortSession.objects.visible_to(membership)
        .filter(cohort=cohort)
        .select_related("plan")
        .order_by("starts_at", "pk")
    )


def cohort_people(*, membership: Membership | None, cohort: Cohort) -> QuerySet[Enrolment]:
    """The people enrolled in the cohort (not the waiting list), by name."""
    return (
        Enrolment.objects.visible_to(membership)
        .filter(cohort=cohort, status=EnrolmentStatus.ENROLLED)
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
    )


@dataclass(frozen=True)
class CohortCounts:
    """Where a cohort stands: seats taken, people waiting, sessions and roll calls taken."""

    enrolled: int
    waiting: int
    sessions: int
    called: int

    @property
    def all_called(self) -> bool:
        return self.sessions > 0 and self.called == self.sessions


def cohort_counts(*, membership, cohort: Cohort) -> CohortCounts | None:
    """Three queries whatever the cohort's size (the cohort page); None for a cohort the
    membership does not see."""
    if not _visible_cohort(membership, cohort):
        return None
    people = cohort_enrolment_counts(membership=membership, cohort=cohort)
    sessions = CohortSession.objects.filter(cohort=cohort).aggregate(
        sessions=Count("pk"), called=Count("pk", filter=Q(roll_call_at__isnull=False))
    )
    return CohortCounts(
        enrolled=people[EnrolmentStatus.ENROLLED],
        waiting=people[EnrolmentStatus.WAITING],
        **sessions,
    )


@dataclass(frozen=True)
class CollectiveSession:
    """A cohort session or a workshop, as the site's agenda shows it."""

    kind: str  # "cohort" or "workshop"
    pk: int  # the cohort's id for a session, the workshop's id for a workshop
    title: str
    subtitle: str  # the cohort's name, or the workshop's level
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    capacity: int
    taken: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)


def collective_sessions_between(
    *, membership: Membership | None, start: datetime.datetime, end: datetime.datetime
) -> list[CollectiveSession]:
    """The site's cohort sessions and workshops starting in [start, end), in time order
    (two queries; cancelled cohorts and workshops left out)."""
    if membership is None or membership.role not in (Role.NETWORK_ADMIN, *SITE_TEAM):
        return []
    sessions = (
        CohortSession.objects.visible_to(membership)
        .filter(starts_at__gte=start, starts_at__lt=end, cohort__cancelled_at__isnull=True)
        .select_related("plan", "cohort")
        .annotate(
            taken=Count(
                "cohort__enrolments",
                filter=Q(cohort__enrolments__status=EnrolmentStatus.ENROLLED),
            )
        )
    )
    workshops = (
        Workshop.objects.visible_to(membership)
        .filter(starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
        .annotate(
            taken=Coalesce(
                Subquery(
                    WorkshopRegistration.objects.filter(
                        workshop=OuterRef("pk"), status=RegistrationStatus.CONFIRMED
                    )
                    .values("workshop")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
    )
    rows = [
        CollectiveSession(
            kind="cohort",
            pk=session.cohort_id,
            title=session.plan.title,
            subtitle=session.cohort.name,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            place=session.room,
            capacity=session.cohort.capacity,
            taken=session.taken,
        )
        for session in sessions
    ]
    rows += [
        CollectiveSession(
            kind="workshop",
            pk=workshop.pk,
            title=workshop.title,
            subtitle=str(workshop.get_level_display()),
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            place=workshop.place,
            capacity=workshop.capacity,
            taken=workshop.taken,
        )
        for workshop in workshops
    ]
    rows.sort(key=lambda row: (row.starts_at, row.kind, row.pk))
    return rows


# --- Enrolment (helper E) -------------------------------------------------------------------

LIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)
SEARCH_MAX = 100


def _visible_cohort(membership, cohort: Cohort) -> bool:
    return (
        membership is not None
        and Cohort.objects.visible_to(membership).filter(pk=cohort.pk).exists()
    )


def cohort_enrolments(*, membership, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's enrolled people, then its waiting list in the order it moves up."""
    return (
        Enrolment.objects.visible_to(membership)
        .filter(cohort=cohort, status__in=LIVE_STATUSES)
        .select_related("beneficiary", "referral")
        .order_by("status", "waiting_since", "enrolled_at", "pk")
    )


def cohort_dropouts(*, membership, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's drop-outs, latest first."""
    return (
        Enrolment.objects.visible_to(membership)
        .filter(cohort=cohort, status=EnrolmentStatus.DROPPED)
        .select_related("beneficiary")
        .order_by("-dropped_on", "-pk")
    )


def cohort_enrolment_counts(*, membership, cohort: Cohort) -> dict[str, int]:
    """{enrolled, waiting, dropped} for the cohort, in one query."""
    counts = dict.fromkeys(EnrolmentStatus.values, 0)
    if not _visible_cohort(membership, cohort):
        return counts
    rows = (
        Enrolment.objects.filter(cohort=cohort)
        .values("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    counts.update(dict(rows))
    return counts


def _name_condition(query: str) -> Q | None:
    tokens = normalize_name(query).split()[:5]
    if not tokens:
        return None
    condition = Q()
    for token in tokens:
        condition &= Q(search_key__startswith=token) | Q(search_key__contains=" " + token)
    return condition


def _clean_query(query: str) -> str:
    return " ".join((query or "").split())[:SEARCH_MAX]


def enrollable_referrals(*, membership, cohort: Cohort, query: str = "") -> QuerySet[Referral]:
    """The accepted referrals of the cohort's site whose person waits for a programme: in no
    cohort yet (nor on a waiting list). ``query``: a name, or the referral's number."""
    if not _visible_cohort(membership, cohort):
        return Referral.objects.none()
    live = Enrolment.objects.filter(referral=OuterRef("pk"), status__in=LIVE_STATUSES)
    rows = (
        Referral.objects.visible_to(membership)
        .filter(site_id=cohort.site_id, status=ReferralStatus.ACCEPTED)
        .filter(~Exists(live))
        .select_related("partner")
        .order_by("submitted_at", "pk")
    )
    query = _clean_query(query)
    number = query.upper().removeprefix("BO-").lstrip("0")
    if number.isdigit() and len(number) < 12:
        return rows.filter(pk=int(number))
    condition = _name_condition(query)
    return rows.filter(condition) if condition is not None else rows


def enrollable_files(*, membership, cohort: Cohort, query: str = "") -> QuerySet[Beneficiary]:
    """Files of the cohort's site (not merged, not already in the cohort) matching ``query``,
    a name or a file number; nothing until something is typed."""
    query = _clean_query(query)
    if not query or not _visible_cohort(membership, cohort):
        return Beneficiary.objects.none()
    live = Enrolment.objects.filter(
        cohort=cohort, beneficiary=OuterRef("pk"), status__in=LIVE_STATUSES
    )
    rows = (
        Beneficiary.objects.visible_to(membership)
        .active()
        .filter(site_id=cohort.site_id)
        .filter(~Exists(live))
        .order_by("search_key", "pk")
    )
    condition = _name_condition(query) or Q()
    return rows.filter(condition | Q(file_number=query.upper()))


def open_cohorts_for(*, membership, beneficiary: Beneficiary) -> QuerySet[Cohort]:
    """The cohorts of the file's site that still take people, with whether the person is in
    each already (``is_in``), the seats taken and the waiting list's length."""
    if not Beneficiary.objects.visible_to(membership).filter(pk=beneficiary.pk).exists():
        return Cohort.objects.none()
    live = Enrolment.objects.filter(
        cohort=OuterRef("pk"), beneficiary=beneficiary, status__in=LIVE_STATUSES
    )
    return (
        Cohort.objects.visible_to(membership)
        .filter(site_id=beneficiary.site_id, cancelled_at__isnull=True, closed_on__isnull=True)
        .select_related("programme")
        .annotate(
            is_in=Exists(live),
            taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
        .order_by("starts_on", "name", "pk")
    )


# --- end Enrolment (helper E) ---------------------------------------------------------------
