"""The messages of the training app, registered with notifications (found by notifications.kinds).

Each helper appends its kinds in its own block.
"""

# Workshops (helper W) ---------------------------------------------------------------------
# Messages about a workshop registration: the confirmation (or the waiting list), the
# reminder the day before, the seat freed for someone waiting, the workshop cancelled. The
# texts hold our own words and the workshop's facts only, never the first name a visitor
# typed (docs/decisions/0010-anonymous-forms.md); the cancellation link is rebuilt from the
# registration when the message leaves (workshops.cancel_token), never queued.

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.core.dates import format_when
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus

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
