"""Roll call and attendance pages (helper R), under /espace-pro/formations/ (``training``).

The roll call of a session, made for the space's tablet (one row per person, four big
choices, works without JavaScript); the session's attendance; the cohort's hours with the
certificates; the workshop's roll call; the signature sheets and the certificate as PDFs.
The site team of the session (manager, mediator, volunteer) and the network's admins open
them; another site's session is a 404; taking a roll call or issuing a certificate is for
the people ``roll_call.may_take_roll_call`` names (a volunteer only as the cohort's
trainer). Reads of names and every print are journaled.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tisser.activities.models import Activity
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.journal import record, record_page_read
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import paginate
from tisser.training import hours as hours_services
from tisser.training.enums import AttendanceStatus
from tisser.training.hours import cohort_hours, enrolment_hours, format_minutes
from tisser.training.models import Attendance, Cohort, CohortSession, Enrolment, Workshop
from tisser.training.roles import READER_ROLES
from tisser.training.roll_call import (
    Mark,
    may_take_roll_call,
    roll_call_record,
    session_enrolments,
    workshop_called,
    workshop_roll_call_record,
)
from tisser.training.sheets import half_days

ROLES = READER_ROLES
STATUS_CHOICES = AttendanceStatus.choices


def _session_view(view):
    return require_roles(*ROLES)(scoped_object(CohortSession)(view))


def _session(obj: CohortSession) -> CohortSession:
    return CohortSession.objects.select_related("cohort__site", "cohort__programme", "plan").get(
        pk=obj.pk
    )


def _trainer_ids(cohort: Cohort) -> list[int]:
    return list(cohort.trainers.values_list("pk", flat=True))


def _may_call(request, session: CohortSession) -> bool:
    return may_take_roll_call(
        request.membership, site=session.cohort.site, trainer_ids=_trainer_ids(session.cohort)
    )


def _parse_marks(post, enrolments) -> tuple[dict[int, Mark], dict[int, dict]]:
    """The marks posted, and what to show again (status and minutes as typed)."""
    marks, typed = {}, {}
    for enrolment in enrolments:
        status = post.get(f"status-{enrolment.pk}", "")
        minutes_text = post.get(f"minutes-{enrolment.pk}", "").strip()
        typed[enrolment.pk] = {"status": status, "minutes": minutes_text}
        if not status:
            continue
        try:
            minutes = int(minutes_text) if minutes_text else 0
        except ValueError:
            minutes = -1
        marks[enrolment.pk] = Mark(status, minutes)
    return marks, typed


def _rows(enrolments, typed):
    return [
        {
            "enrolment": enrolment,
            "person": enrolment.beneficiary,
            "status": typed.get(enrolment.pk, {}).get("status", ""),
            "minutes": typed.get(enrolment.pk, {}).get("minutes", ""),
        }
        for enrolment in enrolments
    ]


@_session_view
@require_http_methods(["GET", "POST"])
def roll_call(request, obj):
    """« Faire l'appel » on the tablet: one row per person, four choices, minutes if late."""
    session = _session(obj)
    may_call = _may_call(request, session)
    enrolments = list(session_enrolments(session))
    started = session.starts_at <= clock.now()
    error = ""
    if request.method == "POST":
        if not may_call:
            raise PermissionDenied
        marks, typed = _parse_marks(request.POST, enrolments)
        missing = [e for e in enrolments if e.pk not in marks]
        if missing:
            error = _("Indiquez la présence de : %(names)s.") % {
                "names": ", ".join(
                    f"{e.beneficiary.first_name} {e.beneficiary.last_name}".strip() for e in missing
                )
            }
        else:
            try:
                result = roll_call_record(actor=request.membership, session=session, marks=marks)
            except DomainError as refused:
                error = refused.message
            else:
                messages.success(
                    request,
                    _(
                        "Appel enregistré. Présents : %(present)s, en retard : %(late)s, "
                        "excusés : %(excused)s, absents : %(absent)s."
                    )
                    % {
                        "present": result.present,
                        "late": result.late,
                        "excused": result.excused,
                        "absent": result.absent,
                    },
                )
                return redirect("training:session_attendance", pk=session.pk)
    else:
        typed = {
            a.enrolment_id: {
                "status": a.status,
                "minutes": str(a.minutes_missed) if a.minutes_missed else "",
            }
            for a in Attendance.objects.filter(session=session)
        }
        record_page_read(
            request, action="training.attendance_viewed", obj=session, site=session.cohort.site_id
        )
    return render(
        request,
        "training/attendance/roll_call.html",
        {
            "session": session,
            "rows": _rows(enrolments, typed),
            "choices": STATUS_CHOICES,
            "may_call": may_call,
            "started": started,
            "error": error,
            "half_days": half_days(session),
        },
        status=400 if error else 200,
    )


@_session_view
@require_http_methods(["GET"])
def session_attendance(request, obj):
    """The session's attendance: who was there, late (minutes missed), excused, absent."""
    session = _session(obj)
    attendance = {
        a.enrolment_id: a
        for a in Attendance.objects.filter(session=session).select_related("recorded_by")
    }
    rows = [
        {"person": e.beneficiary, "attendance": attendance.get(e.pk)}
        for e in session_enrolments(session)
    ]
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for row in attendance.values():
        counts[row.status] += 1
    record_page_read(
        request, action="training.attendance_viewed", obj=session, site=session.cohort.site_id
    )
    return render(
        request,
        "training/attendance/session.html",
        {
            "session": session,
            "page": paginate(request, rows),
            "counts": [(label, counts[code]) for code, label in STATUS_CHOICES],
            "may_call": _may_call(request, session),
            "half_days": half_days(session),
        },
    )


@require_roles(*ROLES)
@scoped_object(Cohort)
@require_http_methods(["GET"])
def cohort_hours_page(request, obj):
    """Per person: hours attended over the programme's hours, excused, certificate."""
    cohort = Cohort.objects.select_related("programme", "site").get(pk=obj.pk)
    rows = cohort_hours(cohort)
    record_page_read(request, action="training.hours_viewed", obj=cohort, site=cohort.site_id)
    return render(
        request,
        "training/attendance/hours.html",
        {
            "cohort": cohort,
            "page": paginate(request, rows),
            "programme_hours": format_minutes(cohort.programme.total_minutes),
            "may_issue": may_take_roll_call(
                request.membership, site=cohort.site, trainer_ids=_trainer_ids(cohort)
            ),
        },
    )


@require_roles(*ROLES)
@scoped_object(Enrolment)
@require_POST
def certificate_issue(request, obj):
    try:
        issued = hours_services.certificate_issue(actor=request.membership, enrolment=obj)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Attestation n° %(number)s délivrée.") % {"number": issued.certificate_number},
        )
    return redirect("training:cohort_hours", pk=obj.cohort_id)


@require_roles(*ROLES)
@scoped_object(Enrolment)
@require_http_methods(["GET"])
def certificate_pdf(request, obj):
    """The certificate of completion, once issued."""
    hours = enrolment_hours(obj)
    enrolment = hours.enrolment
    if not enrolment.certificate_issued_at:
        messages.error(request, _("L'attestation n'est pas encore délivrée."))
        return redirect("training:cohort_hours", pk=enrolment.cohort_id)
    cohort = enrolment.cohort
    sessions = list(cohort.sessions.order_by("starts_at").values_list("starts_at", flat=True))
    with transaction.atomic():
        record(
            actor=request.user,
            action="training.certificate_printed",
            obj=enrolment,
            site=cohort.site_id,
            payload={"number": enrolment.certificate_number},
        )
    return pdf_response(
        "training/pdf/certificate.html",
        {
            "person": enrolment.beneficiary,
            "programme": cohort.programme,
            "cohort": cohort,
            "site": cohort.site,
            "hours": hours,
            "first_day": timezone.localdate(sessions[0]) if sessions else None,
            "last_day": timezone.localdate(sessions[-1]) if sessions else None,
            "issued_on": timezone.localdate(enrolment.certificate_issued_at),
            "number": enrolment.certificate_number,
        },
        request=request,
        filename=f"attestation-{enrolment.certificate_number}.pdf",
    )


@_session_view
@require_http_methods(["GET"])
def signature_sheet(request, obj):
    """The feuille d'émargement: one page per half-day of the session."""
    session = _session(obj)
    cohort = session.cohort
    people = [e.beneficiary for e in session_enrolments(session)]
    trainers = [(user.get_full_name() or user.email) for user in cohort.trainers.order_by("pk")]
    pages = half_days(session)
    with transaction.atomic():
        record(
            actor=request.user,
            action="training.signature_sheet_printed",
            obj=session,
            site=cohort.site_id,
            payload={"half_day": [page.key for page in pages]},
        )
    return pdf_response(
        "training/pdf/signature_sheet.html",
        {
            "session": session,
            "cohort": cohort,
            "programme": cohort.programme,
            "site": cohort.site,
            "people": people,
            "trainers": trainers,
            "pages": pages,
            "day": timezone.localdate(session.starts_at),
        },
        request=request,
        filename=f"emargement-{timezone.localdate(session.starts_at):%Y-%m-%d}-{session.pk}.pdf",
    )


@require_roles(*ROLES)
@scoped_object(Workshop)
@require_http_methods(["GET", "POST"])
def workshop_roll_call(request, obj):
    """Who came to the workshop, and how many came without registering."""
    workshop = Workshop.objects.select_related("site").get(pk=obj.pk)
    may_call = may_take_roll_call(
        request.membership, site=workshop.site, trainer_ids=[workshop.mediator_id]
    )
    registrations = list(workshop_called(workshop))
    error = ""
    walk_ins_text = "0"
    if request.method == "POST":
        if not may_call:
            raise PermissionDenied
        attended = {}
        for registration in registrations:
            answer = request.POST.get(f"came-{registration.pk}", "")
            if answer in ("yes", "no"):
                attended[registration.pk] = answer == "yes"
            registration.attended = {"yes": True, "no": False}.get(answer)
        walk_ins_text = request.POST.get("walk_ins", "0").strip() or "0"
        try:
            walk_ins = int(walk_ins_text)
        except ValueError:
            walk_ins = -1
        try:
            result = workshop_roll_call_record(
                actor=request.membership, workshop=workshop, attended=attended, walk_ins=walk_ins
            )
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _(
                    "Appel enregistré. Venus : %(came)s, pas venus : %(missed)s, venus sans "
                    "inscription : %(walk_ins)s."
                )
                % {"came": result.came, "missed": result.missed, "walk_ins": result.walk_ins},
            )
            return redirect("training:workshop_roll_call", pk=workshop.pk)
    elif workshop.activity_id:
        walk_ins_text = str(_walk_ins(workshop, registrations))
    return render(
        request,
        "training/attendance/workshop_roll_call.html",
        {
            "workshop": workshop,
            "registrations": registrations,
            "may_call": may_call,
            "started": workshop.starts_at <= clock.now(),
            "error": error,
            "walk_ins": walk_ins_text,
        },
        status=400 if error else 200,
    )


def _walk_ins(workshop: Workshop, registrations) -> int:
    """The walk-ins of the last roll call: the record's participants less the registrations
    that came."""
    activity = Activity.objects.filter(pk=workshop.activity_id).only("participant_count").first()
    if activity is None:
        return 0
    came = sum(1 for r in registrations if r.attended)
    return max(0, activity.participant_count - came)
