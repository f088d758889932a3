"""Invitation e-mails go through the notification tasks: retried, and never a 500."""

import pytest
from django.core import mail
from django.urls import reverse

from tisser.accounts.enums import Role
from tisser.accounts.models import Invitation
from tisser.core.tokens import token_hash
from tisser.notifications.models import DeliveryStatus, Notification, RecipientKind


def invite(client, site, email="nouvelle@exemple.fr"):
    return client.post(
        reverse("accounts:member_invite"),
        {"email": email, "organisation": site.pk, "role": Role.MEDIATOR},
    )


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_never_fails_the_page_nor_blocks_a_new_invitation(
    login, network_admin, site, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.backends.TemporarilyBrokenEmailBackend"
    client = login(network_admin)

    response = invite(client, site)

    assert response.status_code == 302
    first = Invitation.objects.get()
    record = Notification.objects.get(subject_type="accounts.invitation", subject_id=first.pk)
    assert record.recipient_kind == RecipientKind.INVITEE
    # Tried again and again (at once with the test's task backend), then left failed.
    assert (record.status, record.attempts) == (
        DeliveryStatus.FAILED,
        settings.NOTIFICATION_MAX_ATTEMPTS,
    )
    assert record.last_error == "SMTPConnectError"

    # The mail server is back: inviting the same address again is not refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = invite(client, site)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.revoked_at is not None
    second = Invitation.objects.pending().get()
    (message,) = mail.outbox
    assert message.to == ["nouvelle@exemple.fr"]
    # The link in the new e-mail is the new invitation's.
    link = next(line for line in message.body.splitlines() if "/invitation/" in line).strip()
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token_hash(token) == second.token_hash


@pytest.mark.django_db
def test_the_invitation_email_says_who_invites_where_and_until_when(
    network_admin, site, settings, django_capture_on_commit_callbacks
):
    from tisser.accounts.services import member_invite

    settings.PUBLIC_BASE_URL = "https://tisser.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = member_invite(
            actor=network_admin, organisation=site, email="nouvelle@exemple.fr", role="mediator"
        )

    (message,) = mail.outbox
    assert message.subject == f"Invitation à rejoindre {site.name}"
    assert f"https://tisser.example.org/invitation/{token}/" in message.body
    assert f"vous invite à rejoindre {site.name} sur Tisser, avec le rôle « " in message.body
    assert "Ce lien ne sert qu'une fois" in message.body


@pytest.mark.django_db
def test_an_invitation_revoked_before_its_email_leaves_is_never_sent(
    network_admin, site, django_capture_on_commit_callbacks
):
    """A mistyped address revoked at once never learns who invited it, where, with what role."""
    from tisser.accounts.services import invitation_revoke, member_invite
    from tisser.notifications.services import notification_deliver

    with django_capture_on_commit_callbacks(execute=False):
        invitation, _token = member_invite(
            actor=network_admin, organisation=site, email="erreur@exemple.fr", role="mediator"
        )
    invitation_revoke(actor=network_admin, invitation=invitation)
    record = Notification.objects.get(subject_type="accounts.invitation", subject_id=invitation.pk)

    result = notification_deliver(notification_id=record.pk)

    assert result.status == DeliveryStatus.NO_ADDRESS
    assert mail.outbox == []
