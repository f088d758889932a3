"""Messages of the accounts app, registered here because accounts sits below notifications.

The invitation e-mail: accounts announces ``member.invited`` in its transaction; the
handler records the message, which a task sends after the commit, with retries. The link
is rebuilt when the e-mail leaves (accounts.models.invitation_token): no secret is queued.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Invitation, Site
from tisser.accounts.services import invitation_link
from tisser.core.hooks import subscribe
from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind
from tisser.notifications.services import notify

INVITATION = "member_invitation"


def invitation_context(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "role": Role(invitation.role).label,
        "link": invitation_link(invitation),
        "expires_at": timezone.localtime(invitation.expires_at),
    }


def invitation_contact(invitation: Invitation) -> Contact:
    return Contact(email=invitation.email)


register_kind(
    INVITATION,
    label=_("Invitation à rejoindre une organisation"),
    recipient_kind=RecipientKind.INVITEE,
    subject_type="accounts.invitation",
    template=f"notifications/messages/{INVITATION}",
    context=invitation_context,
    contact=invitation_contact,
)


def on_member_invited(*, invitation: Invitation) -> None:
    notify(
        event_key=f"invitation:{invitation.pk}:sent",
        template=INVITATION,
        recipient_kind=RecipientKind.INVITEE,
        subject=invitation,
        site=Site.objects.filter(pk=invitation.organisation_id).first(),
    )


subscribe("member.invited", on_member_invited)
