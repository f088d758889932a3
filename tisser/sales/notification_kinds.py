"""The messages of the sales app, registered with notifications (found by notifications.kinds)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.core.dates import format_day
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind


def right_contact(right) -> Contact:
    person = right.beneficiary
    return Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        preferred_channel=person.preferred_channel,
    )


def right_context(right) -> dict[str, Any]:
    return {"ends_on": format_day(right.ends_on)}


register_kind(
    "access_right_expiry_person",
    label=_("Fin prochaine du droit d'accès solidaire"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="sales.accessright",
    template="sales/messages/access_right_expiry_person",
    context=right_context,
    contact=right_contact,
)
