"""Timeline provider: the person's programmes — enrolled, waiting, dropped out — and each
session's attendance from the roll call.

« Inscrit au programme « … » (groupe « … ») », « En liste d'attente », « Abandon : motif »,
« Séance « … » : présent / en retard / absent excusé / absent ». Two queries per file: the
enrolments with their cohort and programme, the attendances with their session and plan.
The file's site manager and mediators and the network admins are offered « Inscrire à un
programme » (``file_actions``).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tisser.beneficiaries.models import works_on_file
from tisser.core.dates import start_of_day
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.training.enums import AttendanceStatus, DropReason, SurveyKind
from tisser.training.models import Attendance, Enrolment, SurveyInvitation, SurveyResponse
from tisser.training.roles import SITE_TEAM_ROLES
from tisser.training.surveys import SMILEYS

ENROL_ROLES = tuple(SITE_TEAM_ROLES)

ATTENDANCE_WORDS = {
    AttendanceStatus.PRESENT: gettext_lazy("présent"),
    AttendanceStatus.LATE: gettext_lazy("en retard"),
    AttendanceStatus.EXCUSED: gettext_lazy("absent excusé"),
    AttendanceStatus.ABSENT: gettext_lazy("absent"),
}


def _programme(enrolment) -> dict[str, str]:
    return {"programme": enrolment.cohort.programme.name, "cohort": enrolment.cohort.name}


def timeline_events(beneficiary) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    enrolments = (
        Enrolment.objects.filter(beneficiary=beneficiary)
        .select_related("cohort__programme")
        .order_by()
    )
    for enrolment in enrolments:
        names = _programme(enrolment)
        joined = enrolment.waiting_since or enrolment.enrolled_at or enrolment.created_at
        if enrolment.waiting_since is not None:
            events.append(
                TimelineEvent(
                    at=enrolment.waiting_since,
                    kind="training.waiting",
                    title=_("En liste d'attente"),
                    detail=_("Programme « %(programme)s » (groupe « %(cohort)s »)") % names,
                )
            )
        if enrolment.enrolled_at is not None:
            events.append(
                TimelineEvent(
                    at=enrolment.enrolled_at,
                    kind="training.enrolled",
                    title=_("Inscrit au programme « %(programme)s » (groupe « %(cohort)s »)")
                    % names,
                )
            )
        if enrolment.dropped_on is not None:
            reason = (
                DropReason(enrolment.drop_reason).label
                if enrolment.drop_reason in DropReason.values
                else enrolment.drop_reason
            )
            events.append(
                TimelineEvent(
                    # Dated by its day, never before the enrolment it ends.
                    at=max(start_of_day(enrolment.dropped_on), joined),
                    kind="training.dropped",
                    title=_("Abandon : %(reason)s") % {"reason": str(reason).lower()},
                    detail=" — ".join(
                        part
                        for part in (
                            _("Programme « %(programme)s » (groupe « %(cohort)s »)") % names,
                            enrolment.drop_note,
                        )
                        if part
                    ),
                )
            )
    attendances = (
        Attendance.objects.filter(enrolment__beneficiary=beneficiary)
        .select_related("session__plan", "session__cohort__programme")
        .order_by()
    )
    for attendance in attendances:
        session = attendance.session
        word = ATTENDANCE_WORDS.get(attendance.status, attendance.status)
        if attendance.status == AttendanceStatus.LATE and attendance.minutes_missed:
            word = ngettext(
                "%(word)s (%(minutes)s minute manquée)",
                "%(word)s (%(minutes)s minutes manquées)",
                attendance.minutes_missed,
            ) % {"word": word, "minutes": attendance.minutes_missed}
        events.append(
            TimelineEvent(
                at=session.starts_at,
                kind=f"training.attendance.{attendance.status}",
                title=_("Séance « %(title)s » : %(word)s")
                % {"title": session.plan.title, "word": word},
                detail=_("Programme « %(programme)s »")
                % {"programme": session.cohort.programme.name},
            )
        )
    events.extend(survey_events(beneficiary))
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    if not works_on_file(membership, beneficiary, site_roles=ENROL_ROLES):
        return []
    url = reverse("training:enrol_person", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Inscrire à un programme"), url=url)]


# --- Surveys (helper S) ---------------------------------------------------------------------


def survey_events(beneficiary) -> list[TimelineEvent]:
    """« Questionnaire de satisfaction envoyé », and « … rempli » for an answer given with
    the person's name only: an anonymous answer shows nothing, neither its content nor that
    it is this person's. Two queries per file."""
    sent_titles = {
        SurveyKind.SATISFACTION: _("Questionnaire de satisfaction envoyé"),
        SurveyKind.OUTCOME: _("Questions « six mois après » envoyées"),
    }
    done_titles = {
        SurveyKind.SATISFACTION: _("Questionnaire de satisfaction rempli"),
        SurveyKind.OUTCOME: _("Questions « six mois après » remplies"),
    }
    overall = {choice.value: str(choice.label) for choice in SMILEYS}
    events = [
        TimelineEvent(at=row.sent_at, kind="training.survey_sent", title=sent_titles[row.kind])
        for row in SurveyInvitation.objects.filter(beneficiary=beneficiary, sent_at__isnull=False)
        .only("kind", "sent_at")
        .order_by()
    ]
    for row in (
        SurveyResponse.objects.filter(beneficiary=beneficiary)
        .only("kind", "answered_on", "overall")
        .order_by()
    ):
        detail = ""
        if row.overall is not None:
            detail = _("Avis d'ensemble : %(label)s") % {"label": overall.get(row.overall, "")}
        events.append(
            TimelineEvent(
                at=timezone.make_aware(datetime.datetime.combine(row.answered_on, datetime.time())),
                kind="training.survey_answered",
                title=done_titles[row.kind],
                detail=detail,
            )
        )
    return events


# --- end Surveys (helper S) -----------------------------------------------------------------
