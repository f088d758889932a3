"""Every write about organisations, members and invitations.

The ``actor`` of each service is the acting :class:`Membership` (``request.membership``):
its role says what may be done and its organisation bounds the scope. Each service runs
in one transaction, validates with ``full_clean()``, writes one journal entry holding ids
and codes only, and raises :class:`DomainError` with a French message when it refuses.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.accounts.enums import ROLES_BY_KIND, OrganisationKind, Role
from tisser.accounts.hooks import MEMBER_INVITED
from tisser.accounts.models import (
    Closure,
    Funder,
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
    invitation_token,
    membership_role_fits,
)
from tisser.core import clock, hooks
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.tokens import token_hash

# The fields each service accepts, in the order the staff forms show them (the forms
# use these tuples, so the page and the rule cannot drift apart).
SITE_FIELDS = (
    "name",
    "short_code",
    "siret",
    "address",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phone",
    "email",
    "accessibility_notes",
    "description",
    "what_to_bring",
    "services",
    "appointment_minutes",
    "appointment_capacity",
    "is_active",
)
# What a site manager may change on their own site: never its name, code or status.
SITE_MANAGER_FIELDS = tuple(
    field for field in SITE_FIELDS if field not in {"name", "short_code", "siret", "is_active"}
)
PARTNER_FIELDS = (
    "name",
    "partner_kind",
    "siret",
    "territory",
    "habilitation_status",
    "email",
    "phone",
    "is_active",
)
FUNDER_FIELDS = ("name", "funder_kind", "is_donor", "email", "phone", "is_active")
# Roles a site manager may give inside their own site.
SITE_MANAGER_GRANTABLE_ROLES = frozenset({Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER})

OrganisationT = TypeVar("OrganisationT", Site, Partner, Funder)


class InvitationNotUsable(DomainError):
    """The link is unknown, expired, revoked or already used: all answered the same way."""

    def __init__(self):
        super().__init__(_("Ce lien n'est plus valable."))


@dataclass(frozen=True)
class Slot:
    """One opening slot of a site: a weekday (0 = Monday) and two times."""

    weekday: int
    opens_at: time
    closes_at: time


# --- helpers ---------------------------------------------------------------------------


def _require_role(actor: Membership | None, *roles: str) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return actor


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _full_clean(obj: Model, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error


def _check_fields(data: Mapping[str, Any], allowed: Collection[str]) -> None:
    refused = sorted(set(data).difference(allowed))
    if refused:
        raise DomainError(
            _("Vous ne pouvez pas modifier ces informations : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )


def _create_in_actor_network(
    model: type[OrganisationT], kind: OrganisationKind, actor: Membership, data: Mapping[str, Any]
) -> OrganisationT:
    """Validate and save a new site, partner or funder of the acting admin's network."""
    organisation = model(network_id=actor.organisation_id, kind=kind, **data)
    _full_clean(organisation)
    organisation.save()
    return organisation


def _lock_in_scope(
    model: type[OrganisationT], actor: Membership, pk: int, out_of_scope: str
) -> OrganisationT:
    """Re-read the row locked and through the actor's scope: the object the view fetched may
    have changed, or left the scope, since; a concurrent edit waits for this one."""
    locked = model.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if locked is None:
        raise DomainError(out_of_scope)
    return locked


def _save_changed_fields(obj: Model, data: Mapping[str, Any]) -> list[str]:
    """Set the values that differ, validate, save only those; return their sorted names.

    Nothing is written (nor journaled by the callers) when nothing differs.
    """
    changed = []
    for field, value in data.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    changed.sort()
    if changed:
        _full_clean(obj)
        obj.save(update_fields=[*changed, "updated_at"])
    return changed


def _site_of(organisation: Organisation) -> Site | None:
    """The Site row behind an organisation, for the journal's site column."""
    if organisation.kind != OrganisationKind.SITE:
        return None
    if isinstance(organisation, Site):
        return organisation
    return organisation.site


def _check_role_fits(role: str, organisation: Organisation) -> None:
    if not membership_role_fits(role, organisation.kind):
        allowed = ", ".join(str(Role(code).label) for code in ROLES_BY_KIND[organisation.kind])
        raise DomainError(
            _("Ce rôle ne convient pas à cette organisation. Rôles possibles : %(roles)s.")
            % {"roles": allowed}
        )


def _check_may_grant(actor: Membership, role: str) -> None:
    """A site manager gives only the roles of their own site's team."""
    if actor.role == Role.SITE_MANAGER and role not in SITE_MANAGER_GRANTABLE_ROLES:
        raise DomainError(_("Votre rôle ne permet pas de donner ce rôle."))


def _slots_key(slots: Iterable[Slot]) -> list[tuple[int, time, time]]:
    return sorted((slot.weekday, slot.opens_at, slot.closes_at) for slot in slots)


def _replace_opening_hours(site: Site, slots: list[Slot]) -> bool:
    """Replace the site's opening hours. Returns whether anything changed."""
    current = [
        Slot(hours.weekday, hours.opens_at, hours.closes_at) for hours in site.opening_hours.all()
    ]
    if _slots_key(current) == _slots_key(slots):
        return False
    rows = [
        OpeningHours(
            site=site, weekday=slot.weekday, opens_at=slot.opens_at, closes_at=slot.closes_at
        )
        for slot in slots
    ]
    for row in rows:
        if row.closes_at <= row.opens_at:
            raise DomainError(_("L'heure de fermeture doit être après l'heure d'ouverture."))
        _full_clean(row, exclude=["site"], validate_unique=False)
    site.opening_hours.all().delete()
    try:
        OpeningHours.objects.bulk_create(rows)
    except IntegrityError as error:
        raise DomainError(_("Deux créneaux du même jour commencent à la même heure.")) from error
    return True


# --- sites ------------------------------------------------------------------------------


def site_create(*, actor: Membership, data: Mapping[str, Any], opening_hours: list[Slot]) -> Site:
    """A network admin opens a new site in their network."""
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, SITE_FIELDS)
    with transaction.atomic():
        site = _create_in_actor_network(Site, OrganisationKind.SITE, actor, data)
        _replace_opening_hours(site, opening_hours)
        record(
            actor=actor.user,
            action="site.created",
            obj=site,
            site=site,
            payload={"short_code": site.short_code, "slots": len(opening_hours)},
        )
    return site


def site_update(
    *,
    actor: Membership,
    site: Site,
    data: Mapping[str, Any],
    opening_hours: list[Slot] | None = None,
) -> list[str]:
    """Change a site. Network admins change everything; a site manager, their own site's
    contact details, hours, accessibility notes and services. Returns the changed fields."""
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    allowed = SITE_FIELDS if actor.role == Role.NETWORK_ADMIN else SITE_MANAGER_FIELDS
    _check_fields(data, allowed)
    with transaction.atomic():
        locked = _lock_in_scope(
            Site, actor, site.pk, _("Cet espace n'est pas dans votre périmètre.")
        )
        changed = _save_changed_fields(locked, data)
        if opening_hours is not None and _replace_opening_hours(locked, opening_hours):
            changed.append("opening_hours")
        if changed:
            record(
                actor=actor.user,
                action="site.updated",
                obj=locked,
                site=locked,
                payload={"fields": changed},
            )
    return changed


# --- exceptional closures ------------------------------------------------------------------

CLOSURE_HORIZON_DAYS = 366  # a closure is planned at most a year ahead
CLOSURE_MAX_DAYS = 92  # and lasts at most three months (longer: the site is inactive)


def closure_create(
    *, actor: Membership, site: Site, starts_on: date, ends_on: date, reason: str
) -> Closure:
    """The site manager (or a network admin) closes the site on whole days."""
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    today = clock.localdate()
    if starts_on is None or ends_on is None:
        raise DomainError(_("Indiquez le premier et le dernier jour de la fermeture."))
    if ends_on < starts_on:
        raise DomainError(_("Le dernier jour de fermeture doit être après le premier."))
    if ends_on < today:
        raise DomainError(_("Cette fermeture est déjà passée : choisissez des dates à venir."))
    if starts_on > today + timedelta(days=CLOSURE_HORIZON_DAYS):
        raise DomainError(_("Une fermeture se prévoit au plus un an à l'avance."))
    if (ends_on - starts_on).days >= CLOSURE_MAX_DAYS:
        raise DomainError(_("Une fermeture dure au plus trois mois."))
    with transaction.atomic():
        locked = _lock_in_scope(
            Site, actor, site.pk, _("Cet espace n'est pas dans votre périmètre.")
        )
        closure = Closure(site=locked, starts_on=starts_on, ends_on=ends_on, reason=reason)
        _full_clean(closure, exclude=["site"])
        closure.save()
        record(
            actor=actor.user,
            action="closure.created",
            obj=closure,
            site=locked,
            payload={
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "reason": reason,
            },
        )
    return closure


def closure_delete(*, actor: Membership, closure: Closure) -> None:
    """The site reopens on those days (the appointments already refused stay refused)."""
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    with transaction.atomic():
        locked = Closure.objects.visible_to(actor).select_for_update().filter(pk=closure.pk).first()
        if locked is None:
            raise DomainError(_("Cette fermeture n'est pas dans votre périmètre."))
        record(
            actor=actor.user,
            action="closure.deleted",
            obj=locked,
            site=locked.site_id,
            payload={
                "starts_on": locked.starts_on.isoformat(),
                "ends_on": locked.ends_on.isoformat(),
            },
        )
        locked.delete()


# --- partners and funders ------------------------------------------------------------------


def partner_create(*, actor: Membership, data: Mapping[str, Any]) -> Partner:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, PARTNER_FIELDS)
    with transaction.atomic():
        partner = _create_in_actor_network(Partner, OrganisationKind.PARTNER, actor, data)
        record(
            actor=actor.user,
            action="partner.created",
            obj=partner,
            payload={
                "partner_kind": partner.partner_kind,
                "habilitation_status": partner.habilitation_status,
            },
        )
    return partner


def partner_update(*, actor: Membership, partner: Partner, data: Mapping[str, Any]) -> list[str]:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, PARTNER_FIELDS)
    with transaction.atomic():
        locked = _lock_in_scope(
            Partner, actor, partner.pk, _("Ce partenaire n'est pas dans votre périmètre.")
        )
        changed = _save_changed_fields(locked, data)
        if changed:
            payload: dict[str, Any] = {"fields": changed}
            if "habilitation_status" in changed:
                payload["habilitation_status"] = locked.habilitation_status
            record(actor=actor.user, action="partner.updated", obj=locked, payload=payload)
    return changed


def funder_create(*, actor: Membership, data: Mapping[str, Any]) -> Funder:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, FUNDER_FIELDS)
    with transaction.atomic():
        funder = _create_in_actor_network(Funder, OrganisationKind.FUNDER, actor, data)
        record(
            actor=actor.user,
            action="funder.created",
            obj=funder,
            payload={"funder_kind": funder.funder_kind, "is_donor": funder.is_donor},
        )
    return funder


def funder_update(*, actor: Membership, funder: Funder, data: Mapping[str, Any]) -> list[str]:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, FUNDER_FIELDS)
    with transaction.atomic():
        locked = _lock_in_scope(
            Funder, actor, funder.pk, _("Ce financeur n'est pas dans votre périmètre.")
        )
        changed = _save_changed_fields(locked, data)
        if changed:
            record(
                actor=actor.user, action="funder.updated", obj=locked, payload={"fields": changed}
            )
    return changed


# --- invitations ----------------------------------------------------------------------------


def invitation_link(invitation: Invitation) -> str:
    """The one-time link of a saved invitation (rebuilt by the e-mail task when it sends)."""
    path = reverse("invitations:accept", kwargs={"token": invitation_token(invitation)})
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + path


def member_invite(
    *,
    actor: Membership,
    organisation: Organisation,
    email: str,
    role: str,
) -> tuple[Invitation, str]:
    """Invite someone by e-mail to join an organisation with a role.

    Stores only a hash of the token and returns the clear token for the caller's use. The
    e-mail goes through the notification tasks (announced as ``member.invited``), after
    the commit and with retries, so a mail server failure never fails the invitation.
    Inviting again an address that has a pending invitation replaces it: the earlier link
    stops working and a new e-mail leaves (a lost or failed e-mail never blocks a new one).
    """
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    email = User.objects.normalize_email(email.strip()).lower()
    with transaction.atomic():
        visible = Organisation.objects.visible_to(actor).active().filter(pk=organisation.pk)
        if not visible.exists():
            raise DomainError(_("Vous ne pouvez pas inviter dans cette organisation."))
        _check_may_grant(actor, role)
        _check_role_fits(role, organisation)
        already_member = Membership.objects.filter(
            organisation=organisation, user__email__iexact=email, is_active=True
        ).exists()
        if already_member:
            raise DomainError(_("Cette personne est déjà membre active de cette organisation."))
        replaced = list(
            Invitation.objects.pending()
            .select_for_update()
            .filter(organisation=organisation, email=email)
        )
        now = clock.now()
        for previous in replaced:
            previous.revoked_at = now
            previous.save(update_fields=["revoked_at", "updated_at"])
        invitation = Invitation(
            organisation=organisation,
            email=email,
            role=role,
            # Unusable until the real hash below: the token derives from the saved row.
            token_hash=secrets.token_hex(32),
            expires_at=now + timedelta(hours=settings.INVITATION_VALID_HOURS),
            invited_by=actor.user,
        )
        _full_clean(invitation)
        invitation.save()
        token = invitation_token(invitation)
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
        payload: dict[str, Any] = {"organisation_id": organisation.pk, "role": role}
        if replaced:
            payload["replaced_ids"] = [previous.pk for previous in replaced]
        record(
            actor=actor.user,
            action="member.invited",
            obj=invitation,
            site=_site_of(organisation),
            payload=payload,
        )
        # The notifications app records the e-mail and sends it from a task after the commit.
        hooks.announce(MEMBER_INVITED, invitation=invitation)
    return invitation, token


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    with transaction.atomic():
        locked = (
            Invitation.objects.visible_to(actor)
            .select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=invitation.pk)
            .first()
        )
        if locked is None:
            raise DomainError(_("Cette invitation n'est pas dans votre périmètre."))
        if not locked.is_usable():
            raise DomainError(_("Cette invitation n'est plus en attente."))
        locked.revoked_at = clock.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        record(
            actor=actor.user,
            action="invitation.revoked",
            obj=locked,
            site=_site_of(locked.organisation),
            payload={"organisation_id": locked.organisation_id, "role": locked.role},
        )
    return locked


def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
) -> Membership:
    """Use an invitation link once.

    With ``user`` (signed in as the invited address), add the membership to that account;
    without, create the account from the names and password, then the membership. The
    invitation row is locked, so a double submit cannot create two memberships.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
        if invitation is None or not invitation.is_usable():
            raise InvitationNotUsable
        organisation = Organisation.objects.get(pk=invitation.organisation_id)
        if not organisation.is_active:
            raise InvitationNotUsable
        if user is None:
            user = _create_invited_user(
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
                password=password or "",
            )
        elif not user.is_authenticated or user.email.lower() != invitation.email.lower():
            raise DomainError(_("Cette invitation est adressée à une autre adresse e-mail."))
        _check_role_fits(invitation.role, organisation)
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=organisation)
            .first()
        )
        if membership is not None and membership.is_active:
            raise DomainError(_("Vous êtes déjà membre de cette organisation."))
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=invitation.role)
            _full_clean(membership)
            membership.save()
        else:
            # A former member comes back through the invitation, with its role.
            membership.is_active = True
            membership.deactivated_at = None
            membership.role = invitation.role
            _full_clean(membership)
            membership.save(update_fields=["is_active", "deactivated_at", "role", "updated_at"])
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        record(
            actor=user,
            action="invitation.accepted",
            obj=invitation,
            site=_site_of(organisation),
            payload={
                "membership_id": membership.pk,
                "organisation_id": organisation.pk,
                "role": membership.role,
            },
        )
    return membership


def _create_invited_user(*, email: str, first_name: str, last_name: str, password: str) -> User:
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError(
            _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        )
    first_name, last_name = first_name.strip(), last_name.strip()
    if not first_name or not last_name:
        raise DomainError(_("Indiquez votre prénom et votre nom."))
    user = User(email=email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error
    user.set_password(password)
    _full_clean(user)
    user.save()
    return user


# --- members --------------------------------------------------------------------------------


def _lock_member(actor: Membership, membership: Membership) -> Membership:
    locked = (
        Membership.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("organisation", "user")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:
        raise DomainError(_("Ce membre n'est pas dans votre périmètre."))
    if locked.organisation.kind == OrganisationKind.NETWORK and actor.role != Role.NETWORK_ADMIN:
        raise DomainError(_("Seul un administrateur du réseau gère les membres du réseau."))
    return locked


def _is_last_site_manager(membership: Membership) -> bool:
    if membership.role != Role.SITE_MANAGER or not membership.is_active:
        return False
    others = (
        Membership.objects.active()
        .select_for_update(of=("self",))
        .filter(organisation_id=membership.organisation_id, role=Role.SITE_MANAGER)
        .exclude(pk=membership.pk)
    )
    return not list(others.values_list("pk", flat=True))


def _refuse_if_last_site_manager(actor: Membership, locked: Membership) -> None:
    """A site manager may not leave their space without an active manager (an admin may)."""
    if actor.role == Role.SITE_MANAGER and _is_last_site_manager(locked):
        raise DomainError(
            _(
                "C'est le dernier responsable actif de cet espace : nommez d'abord "
                "un autre responsable."
            )
        )


def _record_member_event(
    actor: Membership, action: str, member: Membership, **details: Any
) -> None:
    """Journal a change of a membership: ids and role codes only, never names or e-mails."""
    record(
        actor=actor.user,
        action=action,
        obj=member,
        site=_site_of(member.organisation),
        payload={
            "membership_id": member.pk,
            "organisation_id": member.organisation_id,
            **details,
        },
    )


def member_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    with transaction.atomic():
        locked = _lock_member(actor, membership)
        _check_may_grant(actor, role)
        _check_role_fits(role, locked.organisation)
        if locked.role == role:
            raise DomainError(_("Ce membre a déjà ce rôle."))
        _refuse_if_last_site_manager(actor, locked)
        old_role = locked.role
        locked.role = role
        _full_clean(locked)
        locked.save(update_fields=["role", "updated_at"])
        _record_member_event(actor, "member.role_changed", locked, old_role=old_role, new_role=role)
    return locked


def member_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    with transaction.atomic():
        locked = _lock_member(actor, membership)
        if locked.user_id == actor.user_id:
            raise DomainError(_("Vous ne pouvez pas désactiver votre propre accès."))
        if not locked.is_active:
            raise DomainError(_("Ce membre est déjà désactivé."))
        _refuse_if_last_site_manager(actor, locked)
        locked.is_active = False
        locked.deactivated_at = clock.now()
        locked.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        _record_member_event(actor, "member.deactivated", locked, role=locked.role)
    return locked


def member_reactivate(*, actor: Membership, membership: Membership) -> Membership:
    _require_role(actor, Role.NETWORK_ADMIN, Role.SITE_MANAGER)
    with transaction.atomic():
        locked = _lock_member(actor, membership)
        if locked.is_active:
            raise DomainError(_("Ce membre est déjà actif."))
        if actor.role == Role.SITE_MANAGER and locked.role not in SITE_MANAGER_GRANTABLE_ROLES:
            raise DomainError(_("Votre rôle ne permet pas de réactiver ce membre."))
        _check_role_fits(locked.role, locked.organisation)
        locked.is_active = True
        locked.deactivated_at = None
        locked.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        _record_member_event(actor, "member.reactivated", locked, role=locked.role)
    return locked
