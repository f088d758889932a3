"""Hooks of lower apps that notifications act on (discovered by tisser.core.hooks)."""

from tisser.accounts.models import Invitation, Site
from tisser.core import hooks
from tisser.notifications.models import RecipientKind
from tisser.notifications.notification_kinds import INVITATION
from tisser.notifications.services import notify


@hooks.subscribe("member.invited")
def send_invitation_email(*, invitation: Invitation) -> None:
    """Record the invitation e-mail; a task sends it after the commit, with retries."""
    notify(
        event_key=f"invitation:{invitation.pk}:sent",
        template=INVITATION,
        recipient_kind=RecipientKind.INVITEE,
        subject=invitation,
        site=Site.objects.filter(pk=invitation.organisation_id).first(),
    )
