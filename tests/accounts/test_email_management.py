"""Staff manage no e-mail address themselves: the address is the one of their invitation.

allauth's e-mail page let a member attach another member's address to their own account:
the owner received a confirmation mail, and clicking it signed them out. The page is now
read-only and the confirmation links are dead (docs/decisions/0015-staff-email-addresses.md).
"""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tisser.accounts.enums import Role


@pytest.fixture
def colleague(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


def test_an_enrolled_member_cannot_attach_another_members_address(login, mediator, colleague):
    client = login(mediator)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": colleague.user.email}
    )
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(user=mediator.user).exists()
    assert not EmailAddress.objects.filter(email__iexact=colleague.user.email).exists()
    assert mail.outbox == []


@pytest.fixture
def funder_member(funder, member_factory):
    # A funder has no second factor: allauth's own guard against adding an address to an
    # account protected by two factors does not apply.
    return member_factory(funder, Role.FUNDER_VIEWER)


def test_a_member_without_two_factors_cannot_attach_a_colleagues_address(
    login, funder_member, colleague
):
    client = login(funder_member)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": colleague.user.email}
    )
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(email__iexact=colleague.user.email).exists()
    assert mail.outbox == []
    colleague.user.refresh_from_db()
    assert colleague.user.is_active


@pytest.mark.parametrize(
    "path",
    [
        reverse("account_email"),
        reverse("account_email_verification_sent"),
        reverse("account_confirm_email", kwargs={"key": "MQ:1tQ:abc"}),
    ],
)
def test_allauth_email_pages_are_closed_to_members(login, funder_member, path):
    client = login(funder_member)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_signed_out_visitors_are_still_sent_to_sign_in(client, db):
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_account_page_shows_the_address_and_who_changes_it(login, mediator):
    page = login(mediator).get(reverse("mfa_index")).content.decode()
    assert mediator.user.email in page
    assert "vous ne pouvez pas la changer vous-même" in page
    assert "action_add" not in page


def test_addresses_attached_to_someone_elses_account_are_dropped(mediator, colleague):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tisser.accounts.migrations.0002_drop_foreign_email_addresses")
    own = EmailAddress.objects.create(
        user=mediator.user, email=mediator.user.email.upper(), primary=True, verified=True
    )
    EmailAddress.objects.create(user=mediator.user, email=colleague.user.email)
    kept = EmailAddress.objects.create(user=colleague.user, email=colleague.user.email)
    migration.drop_foreign_addresses(apps, None)
    assert set(EmailAddress.objects.all()) == {own, kept}
