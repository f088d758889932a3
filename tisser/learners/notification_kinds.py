"""The one message the learners app sends: the card by SMS (found by notifications.kinds).

The text holds the card's code and link and the space's phone, nothing about the person
(not even the first name): whoever reads the phone over their shoulder learns only how to
open the learner's exercises. The code and link are derived from the card at send time
(``LearnerCard.code``, ``.token``): they are stored nowhere, not even on the message record.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.learners import codes, links
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind

SUBJECT_TYPE = "learners.learnercard"


def card_contact(card) -> Contact:
    """The person's mobile only: the card goes by SMS or not at all. A card stopped before
    its SMS left has no one to go to (the message ends "no address", nothing is sent)."""
    if not card.is_usable():
        return Contact(preferred_channel="sms")
    return Contact(phone=card.beneficiary.phone, preferred_channel="sms")


def card_context(card) -> dict[str, Any]:
    return {
        "card_code": codes.grouped(card.code),
        "card_url": links.card_url(card),
        "sign_in_url": links.sign_in_url(),
    }


register_kind(
    "learner_card_sms",
    label=_("Carte d'accès apprenant"),
    recipient_kind=RecipientKind.PERSON,
    subject_type=SUBJECT_TYPE,
    template="learners/messages/learner_card_sms",
    context=card_context,
    contact=card_contact,
)
