"""Hours attended per enrolment, from the roll calls, and the certificate of completion
(docs/decisions/0054, helper R).

A session attended counts its minutes; a late arrival (or early leave) its minutes less the
minutes missed; an excused absence and an absence count nothing, the excused minutes being
shown apart. The share is over the programme's total hours; a person whose share reaches
the programme's ``completion_percent`` (80 % unless set) may receive the certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership, Site
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.training import figures_marks
from tisser.training.enrolments import HAD_A_SEAT
from tisser.training.enums import AttendanceStatus, EnrolmentStatus
from tisser.training.minutes import attended_minutes, excused_minutes
from tisser.training.models import Cohort, Enrolment
from tisser.training.roll_call import may_take_roll_call


def with_hours(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Annotate each enrolment with its minutes attended and excused and its sessions
    (one grouped query, whatever the number of people and sessions)."""
    return enrolments.annotate(
        minutes_attended=Coalesce(
            Sum(attended_minutes("attendances__")), Value(0), output_field=IntegerField()
        ),
        minutes_excused=Coalesce(
            Sum(excused_minutes("attendances__")), Value(0), output_field=IntegerField()
        ),
        sessions_attended=Count(
            "attendances",
            filter=Q(attendances__status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE]),
        ),
        sessions_missed=Count(
            "attendances",
            filter=Q(attendances__status__in=[AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]),
        ),
    )


@dataclass(frozen=True)
class Hours:
    enrolment: Enrolment
    attended_minutes: int
    excused_minutes: int
    total_minutes: int
    completion_percent: int
    sessions_attended: int
    sessions_missed: int

    @property
    def percent(self) -> int:
        """The share of the programme's hours attended, rounded down (never 80 when 79.9)."""
        if not self.total_minutes:
            return 0
        return self.attended_minutes * 100 // self.total_minutes

    @property
    def eligible(self) -> bool:
        return self.attended_minutes * 100 >= self.completion_percent * self.total_minutes

    @property
    def attended_hours(self) -> str:
        return format_minutes(self.attended_minutes)

    @property
    def excused_hours(self) -> str:
        return format_minutes(self.excused_minutes)

    @property
    def total_hours(self) -> str:
        return format_minutes(self.total_minutes)


def format_minutes(minutes: int) -> str:
    """« 25 h 30 », « 32 h »."""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _hours(row: Any, programme) -> Hours:
    """``row`` is an enrolment annotated by ``with_hours``."""
    return Hours(
        enrolment=row,
        attended_minutes=max(0, int(row.minutes_attended)),
        excused_minutes=int(row.minutes_excused),
        total_minutes=programme.total_minutes,
        completion_percent=programme.completion_percent,
        sessions_attended=row.sessions_attended,
        sessions_missed=row.sessions_missed,
    )


def cohort_hours(cohort: Cohort) -> list[Hours]:
    """Every enrolled (or dropped-out) person of the cohort with their hours, by name; not
    the waiting list, nor who left it without a seat."""
    programme = cohort.programme
    rows = with_hours(
        Enrolment.objects.filter(HAD_A_SEAT, cohort_id=cohort.pk)
        .select_related("beneficiary")
        .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
    )
    return [_hours(row, programme) for row in rows]


def enrolment_hours(enrolment: Enrolment) -> Hours:
    row = with_hours(
        Enrolment.objects.filter(pk=enrolment.pk).select_related(
            "beneficiary", "cohort__programme", "cohort__site"
        )
    ).get()
    return _hours(row, row.cohort.programme)


def certificate_number_prefix(site: Site, year: int) -> str:
    return f"{site.short_code}-{year}-"


def certificate_issue(*, actor: Membership, enrolment: Enrolment) -> Enrolment:
    """Number and date the person's certificate of completion: « <site code>-<year>-<n> »,
    counted per site and year. The site's row is locked while numbering, so two certificates
    issued at once get two numbers; the unique constraint is the last guard."""
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update()
            .select_related("cohort__programme", "cohort__site", "beneficiary")
            .get(pk=enrolment.pk)
        )
        cohort = locked.cohort
        if not may_take_roll_call(
            actor, site=cohort.site, trainer_ids=cohort.trainers.values_list("pk", flat=True)
        ):
            raise DomainError(
                _(
                    "Seuls l'équipe de l'espace, les formateurs du groupe et l'administration "
                    "du réseau délivrent les attestations."
                )
            )
        if locked.certificate_issued_at is not None:
            raise DomainError(_("L'attestation de cette personne est déjà délivrée."))
        if locked.status == EnrolmentStatus.WAITING:
            raise DomainError(_("Cette personne est sur la liste d'attente."))
        hours = enrolment_hours(locked)
        if not hours.eligible:
            raise DomainError(
                _(
                    "Pas d'attestation : %(percent)s %% des heures suivies, il en faut "
                    "%(needed)s %%."
                )
                % {"percent": hours.percent, "needed": hours.completion_percent}
            )
        site = Site.objects.select_for_update().get(pk=cohort.site_id)
        now = clock.now()
        prefix = certificate_number_prefix(site, clock.localdate().year)
        issued = Enrolment.objects.filter(
            cohort__site_id=site.pk, certificate_number__startswith=prefix
        ).count()
        locked.certificate_number = f"{prefix}{issued + 1}"
        locked.certificate_issued_at = now
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=["certificate_number", "certificate_issued_at", "updated_at"]
                )
        except IntegrityError as error:
            raise DomainError(
                _("Ce numéro d'attestation vient d'être pris : réessayez.")
            ) from error
        figures_marks.mark_cohort(cohort)
        record(
            actor=actor.user,
            action="training.certificate_issued",
            obj=locked,
            site=site.pk,
            payload={
                "number": locked.certificate_number,
                "minutes": hours.attended_minutes,
                "percent": hours.percent,
            },
        )
    return locked
