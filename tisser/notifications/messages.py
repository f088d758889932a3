"""The message templates: which exist, who may receive them, and how they are rendered.

Texts live in templates/notifications/messages/<code>.{sms,subject,email}.txt, in plain,
short French: one idea per sentence, the date written out ("jeudi 3 décembre à 14 h 30",
the year added when it is not the current one: ``tisser.core.dates.format_when``), the
address, what to bring. They are rendered at send time from the referral, its
appointment and the file; the text itself is never stored.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tisser.core import clock
from tisser.core.dates import format_when
from tisser.core.phones import display_phone
from tisser.notifications.models import RecipientKind
from tisser.referrals.enums import AppointmentStatus, ReferralStatus, RejectionReason

PERSON = RecipientKind.PERSON.value
REFERRER = RecipientKind.REFERRER.value
SITE_TEAM = RecipientKind.SITE_TEAM.value


@dataclass(frozen=True)
class MessageTemplate:
    code: str
    # Short French label for the timeline and the referral history ("Rendez-vous proposé").
    label: Any
    recipient_kind: str

    @property
    def has_sms(self) -> bool:
        """Only messages to the person have an SMS version; staff and referrers get e-mail."""
        return self.recipient_kind == PERSON


TEMPLATES: dict[str, MessageTemplate] = {
    t.code: t
    for t in (
        MessageTemplate("referral_submitted_site", _("Nouveau bon d'orientation"), SITE_TEAM),
        MessageTemplate("referral_accepted_person", _("Rendez-vous proposé"), PERSON),
        MessageTemplate("referral_accepted_referrer", _("Bon d'orientation accepté"), REFERRER),
        MessageTemplate("referral_rebooked_person", _("Rendez-vous déplacé"), PERSON),
        MessageTemplate("referral_rejected_referrer", _("Bon d'orientation refusé"), REFERRER),
        MessageTemplate(
            "referral_reminder_site", _("Rappel : bon d'orientation en attente"), SITE_TEAM
        ),
        MessageTemplate("referral_expired_referrer", _("Bon d'orientation expiré"), REFERRER),
        MessageTemplate(
            "referral_moderation_rejected_referrer",
            _("Bon d'orientation non validé par le réseau"),
            REFERRER,
        ),
        MessageTemplate("referral_cancelled_site", _("Bon d'orientation annulé"), SITE_TEAM),
        MessageTemplate("help_request_received_person", _("Demande d'aide reçue"), PERSON),
    )
}


def template_label(code: str) -> str:
    template = TEMPLATES.get(code)
    return str(template.label) if template else code


def short_name(first_name: str, last_name: str) -> str:
    """First name and initial ("Awa D."): enough for a referrer, less personal data in mail."""
    initial = f" {last_name.strip()[0].upper()}." if last_name.strip() else ""
    return f"{first_name.strip()}{initial}"


def absolute_url(obj) -> str:
    """Link to a page of Tisser, or "" while the page does not exist."""
    try:
        path = obj.get_absolute_url()
    except NoReverseMatch:
        return ""
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + path


def _appointment(referral):
    """The planned appointment, or else the most recent one."""
    appointments = list(referral.appointments.order_by("-starts_at", "-pk"))
    for appointment in appointments:
        if appointment.status == AppointmentStatus.PLANNED:
            return appointment
    return appointments[0] if appointments else None


def _site_context(site) -> dict[str, str]:
    if site is None:
        return {"site_name": "", "site_address": "", "site_phone": ""}
    address = ", ".join(
        part for part in (site.address, f"{site.postal_code} {site.city}".strip()) if part
    )
    return {
        "site_name": site.name,
        "site_address": address,
        "site_phone": display_phone(site.phone) if site.phone.startswith("+") else site.phone,
    }


def _referral_context(referral) -> dict[str, Any]:
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
    return context


def build_context(*, notification, person, site) -> dict[str, Any]:
    """Everything a template may show, rebuilt from the database at send time."""
    context: dict[str, Any] = {
        "first_name": person.first_name if person is not None else "",
        "via_referrer": notification.via_referrer,
    }
    context.update(_site_context(site))
    if notification.referral_id:
        context.update(_referral_context(notification.referral))
    if person is not None and "person_short" not in context:
        context["person_short"] = short_name(person.first_name, person.last_name)
    # Without a usable appointment address, the site's own address is the place to come.
    if not context.get("appointment_place"):
        context["appointment_place"] = context["site_address"]
    return context


def _tidy(text: str) -> str:
    """Strip each line and keep at most one blank line between paragraphs."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip()


def render_sms(code: str, context: dict[str, Any]) -> str:
    with translation.override("fr"):
        return _tidy(render_to_string(f"notifications/messages/{code}.sms.txt", context))


def render_email(code: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override("fr"):
        subject = render_to_string(f"notifications/messages/{code}.subject.txt", context)
        body = render_to_string(f"notifications/messages/{code}.email.txt", context)
    return " ".join(subject.split()), _tidy(body) + "\n"
