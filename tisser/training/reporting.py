"""Figures of a training programme, per cohort, per site and in total: pure reads,
aggregated in the database (docs/decisions/0054-training.md, helper D).

Definitions (the decision file says why):

- The **selection** is a programme's cohorts that are not cancelled, narrowed by sites, one
  cohort, and a period: a cohort belongs to the period in which it *starts*; every figure
  then covers the whole of the selected cohorts.
- **Enrolled** counts the enrolments that reached a seat: status ``enrolled``, or
  ``dropped`` with an ``enrolled_at`` (a drop-out after enrolment still counts, someone who
  left the waiting list does not). Against the programme's target in total, the cohort's
  capacity per cohort.
- **Hours delivered**: the minutes of the sessions whose roll call is taken. **Hours
  attended** (person-hours): present = the session's minutes, late = the session's minutes
  less the minutes missed, excused and absent = 0 (the rule of ``hours.py``, kept here in
  one named expression, :func:`attended_minutes`).
- **Attendance rate**: person-minutes attended over person-minutes scheduled (the session's
  minutes for each attendance row of a taken roll call).
- **Completion rate**: among the enrolled of *closed* cohorts, the share whose minutes
  attended reach ``completion_percent`` of the programme's ``total_minutes``.
- **Drop-outs by reason**: dropped after enrolment, per reason.
- **Satisfaction rate**: satisfaction answers of the selected cohorts, share of « satisfait »
  (4) and « très satisfait » (5) over the answers with an overall value.
- **Diagnostic progress**: exits of enrolled people whose attributed cohort holds the exit's
  day (from its first day to its closing day, open while it runs) and whose paired entry
  (the diagnostics app's pairing: same accompaniment period, latest entry before the exit)
  finished on or after the cohort's first day; per domain, the mean level change and the
  share that went up (``tisser.diagnostics.reporting.entry_level`` pairs them).
- **Outcomes at six months**: outcome answers of the selected cohorts; per question, the
  share of « yes » over those who answered it.

Every figure of every cohort comes from :func:`programme_report`'s seven grouped queries
whatever the volume; sites and total add up the cohorts' counts in Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult
from tisser.diagnostics.reporting import entry_level
from tisser.training.enums import EnrolmentStatus, SurveyKind
from tisser.training.minutes import attended_minutes, session_minutes
from tisser.training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    Programme,
    SurveyResponse,
)
from tisser.training.surveys import OUTCOME_YES, SATISFIED_FROM

HUNDREDTH = Decimal("0.01")
OUTCOME_LABELS = {
    "situation": _("En emploi ou en formation"),
    "numerique_seul": _("Utilise le numérique seul"),
    "demarche_seul": _("A fait une démarche seul"),
}
DASHBOARD_READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.FUNDER_VIEWER)


# Enrolments that reached a seat (enrolled now, or dropped after being enrolled).
COUNTED = Q(status=EnrolmentStatus.ENROLLED) | Q(
    status=EnrolmentStatus.DROPPED, enrolled_at__isnull=False
)
DROPPED = Q(status=EnrolmentStatus.DROPPED, enrolled_at__isnull=False)


# --- filter and scope ------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFilter:
    """A programme, optionally narrowed to sites, one cohort, and a period (cohorts that
    start between ``start`` and ``end``, inclusive)."""

    programme: Programme
    site_ids: frozenset[int] | None = None
    cohort_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None


def readable_programmes(membership) -> QuerySet[Programme]:
    """The programmes whose dashboard ``membership`` may open: the network admin's network's,
    a site manager's network's that run a cohort at their site, a funder's whose convention
    it funds; nobody else's."""
    if membership is None or not membership.is_active:
        return Programme.objects.none()
    if membership.role == Role.NETWORK_ADMIN:
        return Programme.objects.filter(network_id=membership.organisation_id)
    if membership.role == Role.SITE_MANAGER:
        return Programme.objects.filter(
            Exists(
                Cohort.objects.filter(
                    programme_id=OuterRef("pk"), site_id=membership.organisation_id
                )
            )
        )
    if membership.role == Role.FUNDER_VIEWER:
        return Programme.objects.filter(convention__funder_id=membership.organisation_id)
    return Programme.objects.none()


def reader_site_ids(membership) -> frozenset[int] | None:
    """The sites whose cohorts ``membership`` may count (None: every site)."""
    if membership is not None and membership.role == Role.SITE_MANAGER:
        return frozenset({membership.organisation_id})
    return None


def selected_cohorts(flt: ProgrammeFilter, *, site_ids: frozenset[int] | None = None) -> QuerySet:
    """The cohorts the filter selects, within the reader's sites (a lazy queryset)."""
    rows = Cohort.objects.filter(programme_id=flt.programme.pk, cancelled_at__isnull=True)
    if site_ids is not None:
        rows = rows.filter(site_id__in=sorted(site_ids))
    if flt.site_ids is not None:
        rows = rows.filter(site_id__in=sorted(flt.site_ids))
    if flt.cohort_id is not None:
        rows = rows.filter(pk=flt.cohort_id)
    if flt.start is not None:
        rows = rows.filter(starts_on__gte=flt.start)
    if flt.end is not None:
        rows = rows.filter(starts_on__lte=flt.end)
    return rows


# --- the figures -----------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """``part / whole`` between 0 and 1 (two decimals), None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / whole).quantize(HUNDREDTH, ROUND_HALF_UP)


@dataclass
class Gain:
    """Entry/exit pairs in one domain: how many, the levels gained in all, how many up."""

    pairs: int = 0
    total_gain: int = 0
    up: int = 0

    @property
    def mean(self) -> Decimal | None:
        if not self.pairs:
            return None
        return (Decimal(self.total_gain) / self.pairs).quantize(HUNDREDTH, ROUND_HALF_UP)

    @property
    def share_up(self) -> Decimal | None:
        return rate(self.up, self.pairs)


@dataclass
class Figures:
    """The counts behind every figure of one cohort, one site or the total (they add up)."""

    enrolled: int = 0
    dropped: int = 0
    closed_enrolled: int = 0
    completed: int = 0
    sessions_taken: int = 0
    delivered_minutes: int = 0
    attendees: int = 0
    scheduled_minutes: int = 0
    attended_minutes: int = 0
    satisfaction_answers: int = 0
    satisfied: int = 0
    drop_reasons: dict[str, int] = field(default_factory=dict)
    gains: dict[str, Gain] = field(default_factory=dict)
    outcomes: dict[str, tuple[int, int]] = field(default_factory=dict)  # code: (answers, yes)

    def add(self, other: Figures) -> None:
        for name in (
            "enrolled",
            "dropped",
            "closed_enrolled",
            "completed",
            "sessions_taken",
            "delivered_minutes",
            "attendees",
            "scheduled_minutes",
            "attended_minutes",
            "satisfaction_answers",
            "satisfied",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.drop_reasons.items():
            self.drop_reasons[reason] = self.drop_reasons.get(reason, 0) + count
        for domain, gain in other.gains.items():
            mine = self.gains.setdefault(domain, Gain())
            mine.pairs += gain.pairs
            mine.total_gain += gain.total_gain
            mine.up += gain.up
        for code, (answers, yes) in other.outcomes.items():
            had = self.outcomes.get(code, (0, 0))
            self.outcomes[code] = (had[0] + answers, had[1] + yes)

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.attended_minutes, self.scheduled_minutes)

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.closed_enrolled)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return rate(self.satisfied, self.satisfaction_answers)

    def outcome_rate(self, code: str) -> Decimal | None:
        answers, yes = self.outcomes.get(code, (0, 0))
        return rate(yes, answers)


@dataclass
class Line:
    """One row of the report: a cohort, a site or the total, with its target."""

    key: str
    label: str
    figures: Figures
    target: int | None = None
    site_id: int | None = None
    closed: bool = False


@dataclass
class Report:
    programme: Programme
    cohorts: list[Line]
    sites: list[Line]
    total: Line
    domains: list[str]


def completion_minutes(programme: Programme) -> int:
    """The minutes attended that reach the programme's share of its hours (rounded up)."""
    return -(-programme.total_minutes * programme.completion_percent // 100)


def _person_minutes() -> Subquery:
    """The minutes attended by the outer enrolment on taken roll calls."""
    return Subquery(
        Attendance.objects.filter(enrolment_id=OuterRef("pk"), session__roll_call_at__isnull=False)
        .values("enrolment_id")
        .annotate(minutes=Sum(attended_minutes()))
        .values("minutes")[:1],
        output_field=IntegerField(),
    )


def _diagnostic_rows(cohorts: QuerySet) -> Iterable[dict]:
    """Per cohort and domain, the entry→exit pairs (one query)."""
    finished_day = TruncDate("diagnostic__finished_at")
    holding = (
        Enrolment.objects.filter(COUNTED, cohort__in=cohorts)
        .filter(
            beneficiary_id=OuterRef("diagnostic__beneficiary_id"),
            cohort__starts_on__lte=OuterRef("finished_day"),
        )
        .filter(
            Q(cohort__closed_on__isnull=True) | Q(cohort__closed_on__gte=OuterRef("finished_day"))
        )
        .order_by("-cohort__starts_on", "-pk")
    )
    entry_in_window = Exists(
        Diagnostic.objects.filter(
            beneficiary_id=OuterRef("diagnostic__beneficiary_id"),
            period_id=OuterRef("diagnostic__period_id"),
            kind=DiagnosticKind.ENTRY,
            status=DiagnosticStatus.FINISHED,
            finished_at__lt=OuterRef("diagnostic__finished_at"),
            finished_at__date__gte=OuterRef("cohort_start"),
        )
    )
    return (
        DiagnosticResult.objects.filter(
            diagnostic__kind=DiagnosticKind.EXIT,
            diagnostic__status=DiagnosticStatus.FINISHED,
            diagnostic__period__isnull=False,
        )
        .filter(
            Exists(
                Enrolment.objects.filter(COUNTED, cohort__in=cohorts).filter(
                    beneficiary_id=OuterRef("diagnostic__beneficiary_id")
                )
            )
        )
        .annotate(finished_day=finished_day)
        .annotate(
            cohort_id=Subquery(holding.values("cohort_id")[:1]),
            cohort_start=Subquery(holding.values("cohort__starts_on")[:1]),
        )
        .filter(cohort_id__isnull=False)
        .annotate(entry_level=entry_level())
        .filter(entry_level__isnull=False)
        .filter(entry_in_window)
        .values("cohort_id", "domain")
        .annotate(
            pairs=Count("pk"),
            total_gain=Sum(F("level") - F("entry_level")),
            up=Count("pk", filter=Q(level__gt=F("entry_level"))),
        )
        .order_by()
    )


def programme_report(flt: ProgrammeFilter, *, site_ids: frozenset[int] | None = None) -> Report:
    """Every figure per cohort, per site and in total (seven queries whatever the volume)."""
    programme = flt.programme
    cohorts = selected_cohorts(flt, site_ids=site_ids)
    cohort_rows = list(
        cohorts.select_related("site").order_by("site__name", "starts_on", "pk")
    )  # 1
    figures: dict[int, Figures] = defaultdict(Figures)
    threshold = completion_minutes(programme)

    # The enrolments whose minutes attended reach the threshold, in closed cohorts: one
    # uncorrelated subquery (grouped, HAVING) the database runs once.
    completed_ids = (
        Attendance.objects.filter(
            session__cohort__in=cohorts.filter(closed_on__isnull=False),
            session__roll_call_at__isnull=False,
        )
        .values("enrolment_id")
        .annotate(minutes=Sum(attended_minutes()))
        .filter(minutes__gte=threshold)
        .values("enrolment_id")
    )
    enrolments = (
        Enrolment.objects.filter(COUNTED, cohort__in=cohorts)
        .values("cohort_id")
        .annotate(
            enrolled=Count("pk"),
            dropped=Count("pk", filter=DROPPED),
            closed_enrolled=Count("pk", filter=Q(cohort__closed_on__isnull=False)),
            completed=Count("pk", filter=Q(cohort__closed_on__isnull=False, pk__in=completed_ids)),
        )
        .order_by()
    )  # 2
    for row in enrolments:
        cell = figures[row["cohort_id"]]
        cell.enrolled = row["enrolled"]
        cell.dropped = row["dropped"]
        cell.closed_enrolled = row["closed_enrolled"]
        cell.completed = row["completed"]

    reasons = (
        Enrolment.objects.filter(DROPPED, cohort__in=cohorts)
        .values("cohort_id", "drop_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )  # 3
    for row in reasons:
        figures[row["cohort_id"]].drop_reasons[row["drop_reason"]] = row["count"]

    sessions = (
        CohortSession.objects.filter(cohort__in=cohorts, roll_call_at__isnull=False)
        .values("cohort_id")
        .annotate(taken=Count("pk"), minutes=Sum(session_minutes()))
        .order_by()
    )  # 4
    for row in sessions:
        figures[row["cohort_id"]].sessions_taken = row["taken"]
        figures[row["cohort_id"]].delivered_minutes = row["minutes"] or 0

    attendance = (
        Attendance.objects.filter(session__cohort__in=cohorts, session__roll_call_at__isnull=False)
        .values("session__cohort_id")
        .annotate(
            attendees=Count("enrolment_id", distinct=True),
            scheduled=Sum(session_minutes("session__")),
            attended=Sum(attended_minutes()),
        )
        .order_by()
    )  # 5
    for row in attendance:
        cell = figures[row["session__cohort_id"]]
        cell.attendees = row["attendees"]
        cell.scheduled_minutes = row["scheduled"] or 0
        cell.attended_minutes = row["attended"] or 0

    outcome_counts = {}
    for code, yes in OUTCOME_YES.items():
        outcome_counts[f"{code}__answers"] = Count(
            "pk", filter=Q(kind=SurveyKind.OUTCOME, **{f"answers__{code}__isnull": False})
        )
        outcome_counts[f"{code}__yes"] = Count(
            "pk", filter=Q(kind=SurveyKind.OUTCOME, **{f"answers__{code}__in": yes})
        )
    responses = (
        SurveyResponse.objects.filter(cohort__in=cohorts)
        .values("cohort_id")
        .annotate(
            sat_answers=Count("pk", filter=Q(kind=SurveyKind.SATISFACTION, overall__isnull=False)),
            satisfied=Count(
                "pk", filter=Q(kind=SurveyKind.SATISFACTION, overall__gte=SATISFIED_FROM)
            ),
            **outcome_counts,
        )
        .order_by()
    )  # 6
    for row in responses:
        cell = figures[row["cohort_id"]]
        cell.satisfaction_answers = row["sat_answers"]
        cell.satisfied = row["satisfied"]
        for code in OUTCOME_YES:
            if row[f"{code}__answers"]:
                cell.outcomes[code] = (row[f"{code}__answers"], row[f"{code}__yes"])

    domains: set[str] = set()
    for row in _diagnostic_rows(cohorts):  # 7
        domains.add(row["domain"])
        figures[row["cohort_id"]].gains[row["domain"]] = Gain(
            pairs=row["pairs"], total_gain=row["total_gain"] or 0, up=row["up"]
        )

    cohort_lines = [
        Line(
            key=f"cohort-{cohort.pk}",
            label=cohort.name,
            figures=figures[cohort.pk],
            target=cohort.capacity,
            site_id=cohort.site_id,
            closed=cohort.closed_on is not None,
        )
        for cohort in cohort_rows
    ]
    sites: dict[int, Line] = {}
    for cohort, line in zip(cohort_rows, cohort_lines, strict=True):
        site = sites.setdefault(
            cohort.site_id,
            Line(key=f"site-{cohort.site_id}", label=cohort.site.name, figures=Figures(),
                 target=0, site_id=cohort.site_id),
        )  # fmt: skip
        site.figures.add(line.figures)
        site.target += cohort.capacity
    total = Line(key="total", label=str(_("Total")), figures=Figures(),
                 target=programme.target_participants)  # fmt: skip
    for site in sites.values():
        total.figures.add(site.figures)
    return Report(
        programme=programme,
        cohorts=cohort_lines,
        sites=list(sites.values()),
        total=total,
        domains=sorted(domains),
    )


def referred_enrolments(*, membership) -> QuerySet[Enrolment]:
    """The enrolments of the people ``membership``'s partner organisation referred, with
    their minutes attended (``attended``): for the partner's referrer only, never anyone
    else's (constant queries per page)."""
    if membership is None or not membership.is_active or membership.role != Role.PARTNER_REFERRER:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.visible_to(membership)
        .filter(referral__partner_id=membership.organisation_id)
        .exclude(status=EnrolmentStatus.WAITING)
        .select_related("beneficiary", "cohort__programme", "cohort__site")
        .annotate(attended=Coalesce(_person_minutes(), Value(0)))
        .order_by("-cohort__starts_on", "beneficiary__last_name", "beneficiary__first_name", "pk")
    )
