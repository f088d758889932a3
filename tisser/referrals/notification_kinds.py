"""The messages a referral sends, registered with notifications (found by notifications.kinds).

Each kind names its texts (templates/referrals/messages/<code>.*.txt), whom it goes to, and
how its facts are read from the referral when the message leaves: the appointment, the
reasons for a refusal, the days waiting. Nothing here is stored on the message record.
"""

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.dates import format_when
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.messages import absolute_url, short_name, site_context
from tisser.notifications.models import RecipientKind
from tisser.referrals.enums import AppointmentStatus, ReferralStatus, RejectionReason

SUBJECT_TYPE = "referrals.referral"


def _appointment(referral):
    """The planned appointment, or else the most recent one."""
    appointments = list(referral.appointments.order_by("-starts_at", "-pk"))
    for appointment in appointments:
        if appointment.status == AppointmentStatus.PLANNED:
            return appointment
    return appointments[0] if appointments else None


def _active_referrer(referral):
    if referral.referrer_id is None:
        return None
    referrer = referral.referrer
    return referrer if referrer.is_active else None


def referral_contact(referral) -> Contact:
    """The person as the referral describes them, and their referrer while still active."""
    referrer = _active_referrer(referral)
    return Contact(
        first_name=referral.first_name,
        last_name=referral.last_name,
        phone=referral.phone,
        email=referral.email,
        preferred_channel=referral.preferred_channel,
        referrer_email=(referrer.email if referrer is not None else "") or "",
    )


def referral_context(referral) -> dict[str, Any]:
    context: dict[str, Any] = {
        "reference": referral.reference,
        "person_short": short_name(referral.first_name, referral.last_name),
        "partner_name": referral.partner.name if referral.partner_id else "",
        "referral_url": absolute_url(referral),
        "rejection_reasons": ", ".join(
            str(RejectionReason(code).label) if code in RejectionReason.values else code
            for code in referral.rejection_reasons
        ),
        "rejection_message": referral.rejection_message,
        "days_waiting": (
            (clock.now() - referral.submitted_at).days if referral.submitted_at else 0
        ),
    }
    if referral.referrer_id:
        context["referrer_name"] = referral.referrer.get_full_name() or referral.referrer.email
    appointment = _appointment(referral)
    context["has_appointment"] = appointment is not None
    if appointment is not None:
        context["appointment_when"] = format_when(appointment.starts_at)
        context["appointment_place"] = appointment.place
        context["appointment_is_future"] = appointment.starts_at > clock.now()
    # Without a usable appointment address, the site's own address is the place to come.
    if not context.get("appointment_place"):
        context["appointment_place"] = site_context(referral.site)["site_address"]
    # Expiry after an appointment means the person did not come; otherwise nobody answered.
    context["expired_after_appointment"] = appointment is not None and appointment.status in (
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.PLANNED,
    )
    last_moderation = (
        referral.events.filter(to_status=ReferralStatus.MODERATION_REJECTED)
        .order_by("-at", "-pk")
        .first()
    )
    context["moderation_note"] = last_moderation.note if last_moderation else ""
    # A transfer is the one "submitted -> submitted" row; its note says from where and why.
    last_transfer = (
        referral.events.filter(
            from_status=ReferralStatus.SUBMITTED, to_status=ReferralStatus.SUBMITTED
        )
        .order_by("-at", "-pk")
        .first()
    )
    context["transfer_note"] = last_transfer.note if last_transfer else ""
    context["reply_due_on"] = (
        date_format(referral.reply_due_on, "l j F") if referral.reply_due_on else ""
    )
    return context


PERSON = RecipientKind.PERSON
REFERRER = RecipientKind.REFERRER
SITE_TEAM = RecipientKind.SITE_TEAM

KINDS = (
    ("referral_submitted_site", _("Nouveau bon d'orientation"), SITE_TEAM),
    ("referral_accepted_person", _("Rendez-vous proposé"), PERSON),
    ("referral_accepted_referrer", _("Bon d'orientation accepté"), REFERRER),
    ("referral_rebooked_person", _("Rendez-vous déplacé"), PERSON),
    ("referral_rejected_referrer", _("Bon d'orientation refusé"), REFERRER),
    ("referral_reminder_site", _("Rappel : bon d'orientation en attente"), SITE_TEAM),
    ("referral_expired_referrer", _("Bon d'orientation expiré"), REFERRER),
    (
        "referral_moderation_rejected_referrer",
        _("Bon d'orientation non validé par le réseau"),
        REFERRER,
    ),
    ("referral_cancelled_site", _("Bon d'orientation annulé"), SITE_TEAM),
    ("help_request_received_person", _("Demande d'aide reçue"), PERSON),
    ("referral_transferred_referrer", _("Bon d'orientation transféré à un autre espace"), REFERRER),
    ("referral_transferred_site", _("Bon d'orientation transféré à votre espace"), SITE_TEAM),
    (
        "help_request_overdue_site",
        _("Demande d'aide sans réponse après deux jours ouvrés"),
        RecipientKind.SITE_MANAGERS,
    ),
)

for code, label, recipient_kind in KINDS:
    register_kind(
        code,
        label=label,
        recipient_kind=recipient_kind,
        subject_type=SUBJECT_TYPE,
        template=f"referrals/messages/{code}",
        context=referral_context,
        contact=referral_contact,
    )


# --- appointments, whatever they come from (a referral, a file, a walk-in) --------------------


def appointment_contact(appointment) -> Contact:
    """The referral's person, else the file's, else the walk-in's phone."""
    if appointment.referral_id is not None:
        return referral_contact(appointment.referral)
    person = appointment.beneficiary
    if person is not None:
        return Contact(
            first_name=person.first_name,
            last_name=person.last_name,
            phone=person.phone,
            email=person.email,
            preferred_channel=person.preferred_channel,
        )
    return Contact(
        first_name=appointment.walk_in_name,
        phone=appointment.walk_in_phone,
        preferred_channel="sms",
    )


def appointment_context(appointment) -> dict[str, Any]:
    return {
        "appointment_when": format_when(appointment.starts_at),
        "appointment_place": appointment.place or site_context(appointment.site)["site_address"],
    }


register_kind(
    "appointment_reminder_person",
    label=_("Rappel du rendez-vous"),
    recipient_kind=PERSON,
    subject_type="referrals.appointment",
    template="referrals/messages/appointment_reminder_person",
    context=appointment_context,
    contact=appointment_contact,
)
