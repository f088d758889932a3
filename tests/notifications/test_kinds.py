"""The kinds registry: apps register their messages; notifications import no domain app."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import tisser.notifications
from tests.notifications.factories import NotificationFactory
from tisser.notifications import kinds
from tisser.notifications.models import Channel, DeliveryStatus, RecipientKind
from tisser.notifications.tasks import send_notification

# Notifications sit on level 2: they may import core and accounts, nothing at their level
# (beneficiaries) or above (referrals and the rest).
ALLOWED = ("django", "tisser.core", "tisser.accounts", "tisser.notifications")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_notifications_import_no_domain_app():
    package = Path(tisser.notifications.__file__).parent
    offending = {
        f"{path.relative_to(package)}: {module}"
        for path in package.rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if module.startswith("tisser.") and not module.startswith(ALLOWED)
    }
    assert offending == set()


def test_the_referrals_and_accounts_kinds_are_registered():
    registered = kinds.all_kinds()
    assert registered["referral_accepted_person"].subject_type == "referrals.referral"
    assert registered["referral_accepted_person"].template == (
        "referrals/messages/referral_accepted_person"
    )
    assert registered["member_invitation"].recipient_kind == RecipientKind.INVITEE
    assert registered["member_invitation"].subject_type == "accounts.invitation"


def test_a_code_cannot_be_registered_twice_with_another_meaning():
    existing = kinds.get_kind("referral_accepted_person")
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        kinds.register_kind(
            "referral_accepted_person",
            label="Autre chose",
            recipient_kind=RecipientKind.PERSON,
            subject_type="referrals.referral",
            template="x",
            context=existing.context,
            contact=existing.contact,
        )
    assert kinds.get_kind("referral_accepted_person") == existing


@pytest.mark.django_db
def test_a_message_whose_subject_is_gone_fails_without_sending(site, sms_outbox):
    orphan = NotificationFactory(
        site=site,
        subject_type="referrals.referral",
        subject_id=987654,
        template="referral_accepted_person",
        recipient_kind=RecipientKind.PERSON,
        channel=Channel.SMS,
    )

    assert send_notification.call(orphan.pk) == DeliveryStatus.FAILED

    orphan.refresh_from_db()
    assert (orphan.last_error, orphan.attempts) == ("subject not found", 0)
    assert sms_outbox == []
