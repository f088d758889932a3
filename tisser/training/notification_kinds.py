"""The messages of the training app, registered with notifications (found by
notifications.kinds). Shared by the helpers of issue 15: each appends its own block."""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.dates import format_when, start_of_day
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.messages import site_context
from tisser.notifications.models import RecipientKind
from tisser.training import workshops
from tisser.training.enrolments import first_upcoming_session, session_place
from tisser.training.enums import RegistrationStatus
from tisser.training.survey_services import is_open, survey_link

# --- Enrolment (helper E) -------------------------------------------------------------------


def enrolment_contact(enrolment) -> Contact:
    """The person's file, and the referrer of their referral while still active (for a
    person who asked that messages go through them)."""
    person = enrolment.beneficiary
    referrer_email = ""
    if enrolment.referral_id is not None and enrolment.referral.referrer_id is not None:
        referrer = enrolment.referral.referrer
        referrer_email = (referrer.email if referrer.is_active else "") or ""
    return Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        preferred_channel=person.preferred_channel,
        referrer_email=referrer_email,
    )


def reminded_session(enrolment):
    """The session the reminder is about: the cohort's first one from tomorrow (the message
    leaves the evening before), else the next one to come."""
    now = clock.now()
    sessions = enrolment.cohort.sessions.select_related("plan").order_by("starts_at", "pk")
    tomorrow = start_of_day(timezone.localdate(now) + datetime.timedelta(days=1))
    return (
        sessions.filter(starts_at__gte=tomorrow).first()
        or sessions.filter(starts_at__gt=now).first()
    )


def _session_context(enrolment, session) -> dict[str, Any]:
    """The programme, the group and, when there is one, the session's title, time and
    place (the site's address when the session names no room)."""
    cohort = enrolment.cohort
    context: dict[str, Any] = {
        "programme_name": cohort.programme.name,
        "cohort_name": cohort.name,
    }
    if session is not None:
        context["session_title"] = session.plan.title
        context["session_when"] = format_when(session.starts_at)
        context["session_place"] = session_place(cohort, session)
    if not context.get("session_place"):
        context["session_place"] = site_context(cohort.site)["site_address"]
    return context


def session_reminder_context(enrolment) -> dict[str, Any]:
    return _session_context(enrolment, reminded_session(enrolment))


register_kind(
    "training_session_reminder_person",
    label=_("Rappel de la séance de formation"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.enrolment",
    template="training/messages/training_session_reminder_person",
    context=session_reminder_context,
    contact=enrolment_contact,
)


def enrolled_context(enrolment) -> dict[str, Any]:
    """The programme, the group and the first session to come (when, where)."""
    return _session_context(enrolment, first_upcoming_session(enrolment.cohort, clock.now()))


register_kind(
    "training_enrolled_person",
    label=_("Place dans un groupe de formation"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.enrolment",
    template="training/messages/training_enrolled_person",
    context=enrolled_context,
    contact=enrolment_contact,
)
# --- end Enrolment (helper E) ---------------------------------------------------------------


# --- Surveys (helper S) ---------------------------------------------------------------------


def survey_contact(invitation) -> Contact:
    """The person, while the invitation can still be answered and their file is in use: a
    survey answered (on the tablet) or expired before the message left goes nowhere."""
    person = invitation.beneficiary
    if not is_open(invitation) or person.merged_into_id is not None:
        return Contact(preferred_channel=person.preferred_channel)
    return Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        preferred_channel=person.preferred_channel,
    )


def survey_context(invitation) -> dict[str, Any]:
    """The short link, rebuilt from the invitation when the message leaves."""
    cohort = invitation.enrolment.cohort if invitation.enrolment_id else None
    return {
        "survey_link": survey_link(invitation),
        "programme_name": cohort.programme.name if cohort is not None else "",
    }


register_kind(
    "training_survey_person",
    label=_("Questionnaire de satisfaction"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.surveyinvitation",
    template="training/messages/training_survey_person",
    context=survey_context,
    contact=survey_contact,
)
register_kind(
    "training_outcome_person",
    label=_("Questions six mois après"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.surveyinvitation",
    template="training/messages/training_outcome_person",
    context=survey_context,
    contact=survey_contact,
)
# --- end Surveys (helper S) -----------------------------------------------------------------


# Workshops (helper W) ---------------------------------------------------------------------
# Messages about a workshop registration: the confirmation (or the waiting list), the
# reminder the day before, the seat freed for someone waiting, the workshop cancelled. The
# texts hold our own words and the workshop's facts only, never the first name a visitor
# typed (docs/decisions/0010-anonymous-forms.md); the cancellation link is rebuilt from the
# registration when the message leaves (workshops.cancel_token), never queued.


WORKSHOP_REGISTRATION = "training.workshopregistration"


def workshop_registration_contact(registration) -> Contact:
    """The person's phone (or, for a file, their usual channel). A registration cancelled
    before the message left reaches no one, unless the workshop itself was cancelled."""
    if registration.status == RegistrationStatus.CANCELLED:
        return Contact(preferred_channel="sms")
    person = registration.beneficiary
    if person is not None:
        return Contact(
            phone=person.phone or registration.phone,
            email=person.email,
            preferred_channel=person.preferred_channel,
        )
    return Contact(phone=registration.phone, preferred_channel="sms")


def workshop_registration_context(registration) -> dict[str, Any]:
    workshop = registration.workshop
    live = workshop.cancelled_at is None and registration.status != RegistrationStatus.CANCELLED
    return {
        "title": workshop.title,
        "when": format_when(workshop.starts_at),
        "place": workshop.place,
        "cancel_link": workshops.cancel_link(registration) if live else "",
    }


for _code, _label, _file in (
    (workshops.CONFIRMATION, _("Inscription à un atelier confirmée"), "registered"),
    (workshops.WAITING, _("Inscription sur la liste d'attente d'un atelier"), "waiting"),
    (workshops.REMINDER, _("Rappel d'atelier la veille"), "reminder"),
    (workshops.MOVED_UP, _("Place libérée à un atelier"), "moved_up"),
    (workshops.CANCELLED, _("Atelier annulé"), "cancelled"),
):
    register_kind(
        _code,
        label=_label,
        recipient_kind=RecipientKind.PERSON,
        subject_type=WORKSHOP_REGISTRATION,
        template=f"training/messages/workshop_{_file}",
        context=workshop_registration_context,
        contact=workshop_registration_contact,
    )
