"""Reads of the training app. Every selector takes the acting membership; no membership
reads nothing. Shared by the helpers of issue 15: each keeps to its own block."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tisser.beneficiaries.models import Beneficiary
from tisser.core.names import normalize_name
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral
from tisser.training.enums import EnrolmentStatus
from tisser.training.models import Cohort, Enrolment

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
