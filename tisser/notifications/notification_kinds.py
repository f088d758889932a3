"""Messages of the accounts app, registered here because accounts sits below notifications.

The invitation e-mail: accounts announces ``member.invited`` in its transaction; the
subscriber (notifications/subscriptions.py) records the message, which a task sends after
the commit, with retries. The link is rebuilt when the e-mail leaves
(accounts.models.invitation_token): no secret is queued.
"""

from typing import Any

from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Invitation
from tisser.accounts.services import invitation_link
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind

INVITATION = "member_invitation"


def invitation_context(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "role": Role(invitation.role).label,
        "link": invitation_link(invitation),
        "expires_at": localtime(invitation.expires_at),
    }


def invitation_contact(invitation: Invitation) -> Contact:
    # Revoked (or accepted, or expired) before the e-mail left: nobody is written to, so a
    # mistyped address revoked at once never learns who invited it where.
    return Contact(email=invitation.email if invitation.is_usable() else "")


register_kind(
    INVITATION,
    label=_("Invitation à rejoindre une organisation"),
    recipient_kind=RecipientKind.INVITEE,
    subject_type="accounts.invitation",
    template=f"notifications/messages/{INVITATION}",
    context=invitation_context,
    contact=invitation_contact,
)
