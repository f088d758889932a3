"""The learning app's message: the reminder to a person who stopped a module (found by
notifications.kinds).

The subject is the person's file. The text says only the first name, that a module waits,
and how to come back (the learner sign-in page, with the card); never which module, nor
anything else about the person. It goes by the person's channel (SMS, else e-mail), never
through a referrer: the contact carries no referrer address (decision 0053, « The nudge »).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.learners import links
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind

NUDGE = "module_nudge_person"
SUBJECT_TYPE = "beneficiaries.beneficiary"


def nudge_contact(person) -> Contact:
    """The person's own phone and e-mail; a merged file is written to no more."""
    if person.merged_into_id:
        return Contact(preferred_channel=person.preferred_channel)
    return Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        preferred_channel=person.preferred_channel,
    )


def nudge_context(person) -> dict[str, Any]:
    return {"sign_in_url": links.sign_in_url()}


register_kind(
    NUDGE,
    label=_("Rappel : un module attend la personne"),
    recipient_kind=RecipientKind.PERSON,
    subject_type=SUBJECT_TYPE,
    template=f"learning/messages/{NUDGE}",
    context=nudge_context,
    contact=nudge_contact,
)
