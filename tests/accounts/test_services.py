import datetime
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.accounts.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    OpeningHoursFactory,
    UserFactory,
)
from tisser.accounts import services
from tisser.accounts.enums import (
    FunderKind,
    HabilitationStatus,
    PartnerKind,
    PlaceService,
    Role,
)
from tisser.accounts.models import (
    Funder,
    Invitation,
    Membership,
    Partner,
    Site,
    User,
    invitation_token,
)
from tisser.core.errors import DomainError
from tisser.core.journal import FORBIDDEN_PAYLOAD_KEYS
from tisser.core.models import JournalEntry
from tisser.core.tokens import token_hash
from tisser.notifications.models import Notification

BASE_URL = "https://tisser.example/"
VALID_SIRET = "73282932000074"  # passes the Luhn check
STRONG_PASSWORD = "une-phrase-longue-et-rare-42"


def entries(action):
    return list(JournalEntry.objects.filter(action=action))


def only_entry(action):
    found = entries(action)
    assert len(found) == 1, f"expected one {action!r} entry, found {len(found)}"
    entry = found[0]
    assert not FORBIDDEN_PAYLOAD_KEYS.intersection(entry.payload)
    return entry


def site_data(**overrides):
    data = {
        "name": "Espace Neudorf",
        "short_code": "NEU",
        "address": "3 rue de la Forêt-Noire",
        "postal_code": "67100",
        "city": "Strasbourg",
        "latitude": Decimal("48.572000"),
        "longitude": Decimal("7.761000"),
        "phone": "03 88 00 00 00",
        "email": "neudorf@exemple.fr",
        "accessibility_notes": "Plain-pied.",
        "services": [PlaceService.AIDE_DEMARCHES, PlaceService.ACCES_INTERNET],
        "is_active": True,
    }
    data.update(overrides)
    return data


MORNING = services.Slot(0, datetime.time(9, 0), datetime.time(12, 0))
AFTERNOON = services.Slot(0, datetime.time(14, 0), datetime.time(17, 30))


@pytest.fixture
def site_manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


# --- sites ------------------------------------------------------------------------------------


def test_network_admin_creates_a_site_with_its_hours(network_admin):
    site = services.site_create(
        actor=network_admin, data=site_data(), opening_hours=[MORNING, AFTERNOON]
    )

    site.refresh_from_db()
    assert site.network_id == network_admin.organisation_id
    assert site.kind == "site"
    assert site.short_code == "NEU"
    assert [(h.weekday, h.opens_at) for h in site.opening_hours.all()] == [
        (0, datetime.time(9, 0)),
        (0, datetime.time(14, 0)),
    ]
    entry = only_entry("site.created")
    assert entry.actor == network_admin.user
    assert entry.site_id == site.pk
    assert entry.object_id == str(site.pk)
    assert entry.payload == {"short_code": "NEU", "slots": 2}


def test_site_creation_is_refused_to_a_site_manager(site_manager):
    with pytest.raises(DomainError, match="rôle ne permet pas"):
        services.site_create(actor=site_manager, data=site_data(), opening_hours=[])
    assert not Site.objects.filter(short_code="NEU").exists()
    assert entries("site.created") == []


def test_site_creation_refuses_a_code_already_used(network_admin, site):
    with pytest.raises(DomainError):
        services.site_create(
            actor=network_admin, data=site_data(short_code=site.short_code), opening_hours=[]
        )
    assert Site.objects.filter(short_code=site.short_code).count() == 1
    assert entries("site.created") == []


def test_site_creation_refuses_closing_before_opening(network_admin):
    backwards = services.Slot(1, datetime.time(12, 0), datetime.time(9, 0))
    with pytest.raises(DomainError, match="fermeture doit être après"):
        services.site_create(actor=network_admin, data=site_data(), opening_hours=[backwards])
    assert not Site.objects.filter(short_code="NEU").exists()


def test_site_creation_refuses_unknown_fields(network_admin):
    with pytest.raises(DomainError, match="network"):
        services.site_create(
            actor=network_admin, data={**site_data(), "network": None}, opening_hours=[]
        )


def test_network_admin_updates_any_field_and_the_journal_names_the_fields(network_admin, site):
    OpeningHoursFactory(site=site, weekday=0)

    changed = services.site_update(
        actor=network_admin,
        site=site,
        data={"name": "Espace renommé", "short_code": site.short_code, "is_active": False},
        opening_hours=[MORNING],
    )

    site.refresh_from_db()
    assert site.name == "Espace renommé"
    assert site.is_active is False
    assert [(h.opens_at, h.closes_at) for h in site.opening_hours.all()] == [
        (datetime.time(9, 0), datetime.time(12, 0))
    ]
    assert changed == ["is_active", "name", "opening_hours"]
    assert only_entry("site.updated").payload == {"fields": ["is_active", "name", "opening_hours"]}


def test_site_update_without_change_writes_no_journal(network_admin, site):
    OpeningHoursFactory(site=site, weekday=2)
    same_hours = [services.Slot(2, datetime.time(9, 0), datetime.time(12, 30))]

    changed = services.site_update(
        actor=network_admin, site=site, data={"name": site.name}, opening_hours=same_hours
    )

    assert changed == []
    assert entries("site.updated") == []


def test_site_manager_updates_contact_hours_and_services_of_their_site(site_manager, site):
    changed = services.site_update(
        actor=site_manager,
        site=site,
        data={
            "phone": "03 88 11 22 33",
            "accessibility_notes": "Rampe d'accès.",
            "services": [PlaceService.PARENTALITE],
        },
        opening_hours=[AFTERNOON],
    )

    site.refresh_from_db()
    assert site.phone == "03 88 11 22 33"
    assert site.services == [PlaceService.PARENTALITE]
    assert site.opening_hours.get().opens_at == datetime.time(14, 0)
    assert changed == ["accessibility_notes", "phone", "services", "opening_hours"]
    entry = only_entry("site.updated")
    assert entry.actor == site_manager.user
    assert entry.site_id == site.pk


@pytest.mark.parametrize("field", ["name", "short_code", "is_active"])
def test_site_manager_cannot_change_name_code_or_status(site_manager, site, field):
    value = {"name": "Autre nom", "short_code": "ZZZ", "is_active": False}[field]
    with pytest.raises(DomainError, match="ne pouvez pas modifier"):
        services.site_update(actor=site_manager, site=site, data={field: value})
    fresh = Site.objects.get(pk=site.pk)
    assert getattr(fresh, field) == getattr(site, field)
    assert entries("site.updated") == []


def test_site_manager_cannot_update_another_site(site_manager, other_site):
    with pytest.raises(DomainError, match="périmètre"):
        services.site_update(actor=site_manager, site=other_site, data={"phone": "0388112233"})
    other_site.refresh_from_db()
    assert other_site.phone == ""


def test_mediator_cannot_update_their_site(mediator, site):
    with pytest.raises(DomainError, match="rôle ne permet pas"):
        services.site_update(actor=mediator, site=site, data={"phone": "0388112233"})


def test_site_update_refuses_invalid_values_and_changes_nothing(network_admin, site):
    with pytest.raises(DomainError, match="code postal"):
        services.site_update(actor=network_admin, site=site, data={"postal_code": "ABCDE"})
    site.refresh_from_db()
    assert site.postal_code == "67000"


# --- partners and funders ---------------------------------------------------------------------


def partner_data(**overrides):
    data = {
        "name": "CCAS de Schiltigheim",
        "partner_kind": PartnerKind.CCAS,
        "siret": VALID_SIRET,
        "territory": "Schiltigheim",
        "habilitation_status": HabilitationStatus.NOT_SET,
        "email": "",
        "phone": "",
        "is_active": True,
    }
    data.update(overrides)
    return data


def test_network_admin_creates_a_partner(network_admin):
    partner = services.partner_create(actor=network_admin, data=partner_data())

    assert partner.network_id == network_admin.organisation_id
    assert Partner.objects.get(pk=partner.pk).siret == VALID_SIRET
    assert only_entry("partner.created").payload == {
        "partner_kind": "CCAS",
        "habilitation_status": "NOT_SET",
    }


def test_partner_with_a_wrong_siret_is_refused(network_admin):
    with pytest.raises(DomainError, match="SIRET"):
        services.partner_create(actor=network_admin, data=partner_data(siret="12345678901234"))
    assert not Partner.objects.exists()
    assert entries("partner.created") == []


def test_partner_without_siret_is_accepted(network_admin):
    partner = services.partner_create(actor=network_admin, data=partner_data(siret=""))
    assert partner.siret == ""


def test_partner_creation_is_refused_to_a_site_manager(site_manager):
    with pytest.raises(DomainError):
        services.partner_create(actor=site_manager, data=partner_data())
    assert not Partner.objects.exists()


def test_habilitation_change_is_journaled_with_its_code(network_admin, partner):
    changed = services.partner_update(
        actor=network_admin,
        partner=partner,
        data={"habilitation_status": HabilitationStatus.REFUSED, "territory": "Bas-Rhin"},
    )

    partner.refresh_from_db()
    assert partner.habilitation_status == "REFUSED"
    assert changed == ["habilitation_status", "territory"]
    assert only_entry("partner.updated").payload == {
        "fields": ["habilitation_status", "territory"],
        "habilitation_status": "REFUSED",
    }


def test_partner_of_another_network_is_out_of_scope(network_admin):
    from tests.accounts.factories import NetworkFactory, PartnerFactory

    foreign = PartnerFactory(network=NetworkFactory(name="Autre réseau"))
    with pytest.raises(DomainError, match="périmètre"):
        services.partner_update(actor=network_admin, partner=foreign, data={"territory": "X"})


def test_network_admin_creates_and_updates_a_funder(network_admin):
    funder = services.funder_create(
        actor=network_admin,
        data={
            "name": "Fondation Orange",
            "funder_kind": FunderKind.FOUNDATION,
            "is_donor": True,
            "email": "",
            "phone": "",
            "is_active": True,
        },
    )
    assert only_entry("funder.created").payload == {"funder_kind": "foundation", "is_donor": True}

    changed = services.funder_update(
        actor=network_admin, funder=funder, data={"is_donor": False, "name": "Fondation Orange"}
    )

    assert changed == ["is_donor"]
    assert Funder.objects.get(pk=funder.pk).is_donor is False
    assert only_entry("funder.updated").payload == {"fields": ["is_donor"]}


def test_funder_creation_refused_to_mediator(mediator):
    with pytest.raises(DomainError):
        services.funder_create(
            actor=mediator,
            data={"name": "X", "funder_kind": FunderKind.CITY, "is_donor": False},
        )
    assert not Funder.objects.exists()


# --- invitations ---------------------------------------------------------------------------------


def invite(actor, organisation, email="nouvelle@exemple.fr", role=Role.MEDIATOR):
    return services.member_invite(actor=actor, organisation=organisation, email=email, role=role)


def test_invitation_stores_only_a_hash_and_mails_the_link_after_commit(
    network_admin, site, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_VALID_HOURS = 48
    settings.PUBLIC_BASE_URL = BASE_URL
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = invite(network_admin, site, email=" Nouvelle@Exemple.FR ")
        assert mail.outbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    callbacks[0]()
    invitation.refresh_from_db()
    assert invitation.email == "nouvelle@exemple.fr"
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert before + timedelta(hours=48) <= invitation.expires_at
    assert invitation.expires_at <= timezone.now() + timedelta(hours=48)
    assert invitation.invited_by == network_admin.user
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.fr"]
    assert f"https://tisser.example/invitation/{token}/" in message.body
    assert site.name in message.subject
    entry = only_entry("member.invited")
    assert entry.site_id == site.pk
    assert entry.payload == {"organisation_id": site.pk, "role": "mediator"}
    # The e-mail is a notification: recorded, sent by the task, the link never stored.
    (record,) = Notification.objects.filter(template="member_invitation")
    assert (record.subject_type, record.subject_id) == ("accounts.invitation", invitation.pk)
    assert (record.recipient_kind, record.status) == ("invitee", "sent")
    assert token not in str(Notification.objects.values().get())


def test_invitation_is_refused_when_the_person_is_already_an_active_member(network_admin, mediator):
    with pytest.raises(DomainError, match="déjà membre active"):
        invite(network_admin, mediator.organisation, email=mediator.user.email.upper())
    assert not Invitation.objects.exists()
    assert entries("member.invited") == []


def test_a_former_member_can_be_invited_again(network_admin, mediator):
    Membership.objects.filter(pk=mediator.pk).update(is_active=False)
    invitation, _ = invite(network_admin, mediator.organisation, email=mediator.user.email)
    assert invitation.pk


def test_invitation_role_must_fit_the_organisation_kind(network_admin, partner, site):
    with pytest.raises(DomainError, match="Rôles possibles : Prescripteur partenaire"):
        invite(network_admin, partner, role=Role.MEDIATOR)
    with pytest.raises(DomainError, match="ne convient pas"):
        invite(network_admin, site, role=Role.NETWORK_ADMIN)
    assert not Invitation.objects.exists()


def test_inviting_again_replaces_the_pending_invitation(network_admin, site):
    """A lost or failed e-mail never blocks a new invitation: the new link replaces the old."""
    first, first_token = invite(network_admin, site)
    second, second_token = invite(network_admin, site)

    first.refresh_from_db()
    assert first.revoked_at is not None and not first.is_usable()
    assert second.is_usable()
    assert first_token != second_token
    assert Invitation.objects.pending().get() == second
    (entry,) = [e for e in entries("member.invited") if e.object_id == str(second.pk)]
    assert entry.payload["replaced_ids"] == [first.pk]


def test_the_emailed_link_is_the_one_returned_and_its_hash_is_stored(network_admin, site):
    """The task rebuilds the link at send time from the invitation and the secret key."""
    invitation, token = invite(network_admin, site)
    invitation.refresh_from_db()

    assert invitation_token(invitation) == token
    assert invitation.token_hash == token_hash(token)


def test_site_manager_invites_into_their_own_site_only(site_manager, site, other_site, network):
    invitation, _ = invite(site_manager, site, role=Role.VOLUNTEER)
    assert invitation.organisation_id == site.pk

    with pytest.raises(DomainError, match="ne pouvez pas inviter"):
        invite(site_manager, other_site)
    with pytest.raises(DomainError, match="ne pouvez pas inviter"):
        invite(site_manager, network, role=Role.NETWORK_ADMIN)
    assert Invitation.objects.count() == 1


def test_site_manager_may_invite_another_site_manager(site_manager, site):
    invitation, _ = invite(site_manager, site, role=Role.SITE_MANAGER)
    assert invitation.role == Role.SITE_MANAGER


def test_mediator_cannot_invite(mediator, site):
    with pytest.raises(DomainError, match="rôle ne permet pas"):
        invite(mediator, site)
    assert not Invitation.objects.exists()


def test_inactive_organisation_cannot_receive_invitations(network_admin, site):
    Site.objects.filter(pk=site.pk).update(is_active=False)
    with pytest.raises(DomainError):
        invite(network_admin, site)


def test_revoking_an_invitation(site_manager, site):
    invitation, token = invite(site_manager, site)

    services.invitation_revoke(actor=site_manager, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert only_entry("invitation.revoked").payload == {
        "organisation_id": site.pk,
        "role": "mediator",
    }
    with pytest.raises(DomainError, match="n'est plus en attente"):
        services.invitation_revoke(actor=site_manager, invitation=invitation)
    with pytest.raises(services.InvitationNotUsable):
        services.invitation_accept(
            token=token, first_name="A", last_name="B", password=STRONG_PASSWORD
        )


def test_another_site_manager_cannot_revoke(site_manager, site, other_site, member_factory):
    invitation, _ = invite(site_manager, site)
    stranger = member_factory(other_site, Role.SITE_MANAGER)
    with pytest.raises(DomainError, match="périmètre"):
        services.invitation_revoke(actor=stranger, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_accepting_creates_the_account_and_the_membership_once(network_admin, site):
    invitation, token = invite(network_admin, site, role=Role.VOLUNTEER)

    membership = services.invitation_accept(
        token=token, first_name=" Awa ", last_name="Diallo", password=STRONG_PASSWORD
    )

    user = User.objects.get(email="nouvelle@exemple.fr")
    assert (user.first_name, user.last_name) == ("Awa", "Diallo")
    assert user.check_password(STRONG_PASSWORD)
    assert membership.user == user
    assert (membership.organisation_id, membership.role) == (site.pk, Role.VOLUNTEER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    entry = only_entry("invitation.accepted")
    assert entry.actor == user
    assert entry.payload == {
        "membership_id": membership.pk,
        "organisation_id": site.pk,
        "role": "volunteer",
    }

    with pytest.raises(services.InvitationNotUsable):
        services.invitation_accept(
            token=token, first_name="Awa", last_name="Diallo", password=STRONG_PASSWORD
        )
    with pytest.raises(services.InvitationNotUsable):
        services.invitation_accept(token=token, user=user)
    assert Membership.objects.filter(user=user).count() == 1
    assert User.objects.filter(email="nouvelle@exemple.fr").count() == 1


@pytest.mark.parametrize(
    "password, message",
    [
        ("court", "trop court"),
        ("password1234", "trop courant"),
        ("123456789012345", "entièrement numérique"),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(network_admin, site, password, message):
    invitation, token = invite(network_admin, site)
    with pytest.raises(DomainError, match=message):
        services.invitation_accept(
            token=token, first_name="Awa", last_name="Diallo", password=password
        )
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_expired_or_unknown_tokens_are_refused(network_admin, site):
    invitation, token = invite(network_admin, site)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    for candidate in (token, "inconnu"):
        with pytest.raises(services.InvitationNotUsable, match="plus valable"):
            services.invitation_accept(
                token=candidate, first_name="A", last_name="B", password=STRONG_PASSWORD
            )
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()
    assert entries("invitation.accepted") == []


def test_existing_account_accepts_when_signed_in_as_the_invited_address(network_admin, site):
    user = UserFactory(email="deja@exemple.fr")
    _, token = invite(network_admin, site, email="deja@exemple.fr", role=Role.SITE_MANAGER)

    with pytest.raises(DomainError, match="Un compte existe déjà"):
        services.invitation_accept(
            token=token, first_name="A", last_name="B", password=STRONG_PASSWORD
        )
    other = UserFactory()
    with pytest.raises(DomainError, match="autre adresse"):
        services.invitation_accept(token=token, user=other)
    assert not Membership.objects.filter(organisation=site).exists()

    membership = services.invitation_accept(token=token, user=user)
    assert (membership.user, membership.role) == (user, Role.SITE_MANAGER)
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_former_member_is_reactivated_with_the_invited_role(network_admin, site):
    former = MembershipFactory(organisation=site, role=Role.VOLUNTEER)
    Membership.objects.filter(pk=former.pk).update(is_active=False, deactivated_at=timezone.now())
    _, token = invite(network_admin, site, email=former.user.email, role=Role.MEDIATOR)

    membership = services.invitation_accept(token=token, user=former.user)

    assert membership.pk == former.pk
    former.refresh_from_db()
    assert (former.is_active, former.deactivated_at, former.role) == (True, None, Role.MEDIATOR)


# --- members --------------------------------------------------------------------------------------


def test_site_manager_changes_a_role_in_their_site(site_manager, mediator):
    services.member_change_role(actor=site_manager, membership=mediator, role=Role.VOLUNTEER)

    mediator.refresh_from_db()
    assert mediator.role == Role.VOLUNTEER
    entry = only_entry("member.role_changed")
    assert entry.site_id == mediator.organisation_id
    assert entry.payload == {
        "membership_id": mediator.pk,
        "organisation_id": mediator.organisation_id,
        "old_role": "mediator",
        "new_role": "volunteer",
    }


def test_role_must_fit_the_organisation(network_admin, mediator):
    with pytest.raises(DomainError, match="ne convient pas"):
        services.member_change_role(
            actor=network_admin, membership=mediator, role=Role.PARTNER_REFERRER
        )
    mediator.refresh_from_db()
    assert mediator.role == Role.MEDIATOR
    assert entries("member.role_changed") == []


def test_same_role_is_refused(network_admin, mediator):
    with pytest.raises(DomainError, match="déjà ce rôle"):
        services.member_change_role(actor=network_admin, membership=mediator, role=Role.MEDIATOR)


def test_the_last_site_manager_cannot_demote_themselves(site_manager):
    with pytest.raises(DomainError, match="dernier responsable"):
        services.member_change_role(actor=site_manager, membership=site_manager, role=Role.MEDIATOR)
    site_manager.refresh_from_db()
    assert site_manager.role == Role.SITE_MANAGER


def test_a_site_manager_may_step_down_when_another_remains(site_manager, site, member_factory):
    member_factory(site, Role.SITE_MANAGER)
    services.member_change_role(actor=site_manager, membership=site_manager, role=Role.MEDIATOR)
    site_manager.refresh_from_db()
    assert site_manager.role == Role.MEDIATOR


def test_an_inactive_site_manager_does_not_count(site_manager, site, member_factory):
    gone = member_factory(site, Role.SITE_MANAGER)
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    with pytest.raises(DomainError, match="dernier responsable"):
        services.member_change_role(actor=site_manager, membership=site_manager, role=Role.MEDIATOR)


def test_site_manager_cannot_touch_another_site_or_the_network(
    site_manager, other_site, network_admin, member_factory
):
    stranger = member_factory(other_site, Role.MEDIATOR)
    for target in (stranger, network_admin):
        with pytest.raises(DomainError, match="périmètre"):
            services.member_change_role(actor=site_manager, membership=target, role=Role.VOLUNTEER)
        with pytest.raises(DomainError, match="périmètre"):
            services.member_deactivate(actor=site_manager, membership=target)
    stranger.refresh_from_db()
    assert stranger.is_active and stranger.role == Role.MEDIATOR


def test_mediator_cannot_manage_members(mediator, site, member_factory):
    colleague = member_factory(site, Role.VOLUNTEER)
    with pytest.raises(DomainError, match="rôle ne permet pas"):
        services.member_deactivate(actor=mediator, membership=colleague)
    with pytest.raises(DomainError, match="rôle ne permet pas"):
        services.member_change_role(actor=mediator, membership=colleague, role=Role.MEDIATOR)


def test_deactivating_and_reactivating_a_member(site_manager, mediator):
    services.member_deactivate(actor=site_manager, membership=mediator)

    mediator.refresh_from_db()
    assert mediator.is_active is False
    assert mediator.deactivated_at is not None
    assert only_entry("member.deactivated").payload == {
        "membership_id": mediator.pk,
        "organisation_id": mediator.organisation_id,
        "role": "mediator",
    }
    with pytest.raises(DomainError, match="déjà désactivé"):
        services.member_deactivate(actor=site_manager, membership=mediator)

    services.member_reactivate(actor=site_manager, membership=mediator)

    mediator.refresh_from_db()
    assert (mediator.is_active, mediator.deactivated_at) == (True, None)
    assert len(entries("member.reactivated")) == 1
    with pytest.raises(DomainError, match="déjà actif"):
        services.member_reactivate(actor=site_manager, membership=mediator)


def test_nobody_deactivates_themselves(site_manager, network_admin):
    for actor in (site_manager, network_admin):
        with pytest.raises(DomainError, match="propre accès"):
            services.member_deactivate(actor=actor, membership=actor)
        actor.refresh_from_db()
        assert actor.is_active


def test_network_admin_may_deactivate_the_last_site_manager(network_admin, site_manager):
    services.member_deactivate(actor=network_admin, membership=site_manager)
    site_manager.refresh_from_db()
    assert site_manager.is_active is False


def test_network_admin_manages_network_memberships(network_admin, network, member_factory):
    colleague = member_factory(network, Role.NETWORK_ADMIN)
    services.member_deactivate(actor=network_admin, membership=colleague)
    colleague.refresh_from_db()
    assert colleague.is_active is False


def test_membership_clean_refuses_a_role_that_does_not_fit(partner):
    membership = Membership(user=UserFactory(), organisation=partner, role=Role.MEDIATOR)
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "role" in caught.value.message_dict


def test_membership_clean_accepts_a_fitting_role(partner):
    Membership(user=UserFactory(), organisation=partner, role=Role.PARTNER_REFERRER).full_clean()


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_create_one_account_and_one_membership(network_admin, site):
    _, token = invite(network_admin, site)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(first_name):
        try:
            barrier.wait(timeout=5)
            services.invitation_accept(
                token=token, first_name=first_name, last_name="Weber", password=STRONG_PASSWORD
            )
            outcomes.append("accepted")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("Lina", "Lena")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes) == ["Ce lien n'est plus valable.", "accepted"]
    assert User.objects.filter(email="nouvelle@exemple.fr").count() == 1
    assert (
        Membership.objects.filter(organisation=site, user__email="nouvelle@exemple.fr").count() == 1
    )
    assert JournalEntry.objects.filter(action="invitation.accepted").count() == 1
