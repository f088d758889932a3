"""Every write about access rights, their settings and quota rules (decisions 0046, 0047).

Each service takes the acting membership, checks its role and scope, runs in one
transaction with the person's file row locked (so two openings of a right, or a decision
and a suspension, cannot cross), validates with ``full_clean()``, writes one journal entry
and raises ``DomainError`` with a French message when it refuses. The quota ledger's
writes live in ``sales.quotas``.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.validators import reject_nir
from tisser.sales.enums import (
    QuotaMeasure,
    QuotaScope,
    QuotaWindow,
    RenewalDecision,
    RightCloseReason,
    RightOpening,
    RightStatus,
)
from tisser.sales.models import (
    AccessRight,
    AccessRightRenewal,
    AccessRightSettings,
    QuotaRule,
)

# Who may do what (docs/decisions/0046-access-rights.md). Partners, funders: nothing.
READ_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
DECIDE_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
RENEWAL_REQUEST_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
NETWORK_ROLES = (Role.NETWORK_ADMIN,)
# A right opened by decision may start a little in the past (a visit recorded late) or be
# planned a little ahead, never further.
BACKDATE_DAYS = 31
AHEAD_DAYS = 92
RUNNING = (RightStatus.FUTURE, RightStatus.ACTIVE, RightStatus.SUSPENDED)


# --- helpers ---------------------------------------------------------------------------


def _require_role(actor: Membership | None, roles: Iterable[str]) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return actor


def _full_clean(obj: models.Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error


def _clean_text(text: str | None, *, required: str = "") -> str:
    text = " ".join((text or "").split())
    if required and not text:
        raise DomainError(required)
    try:
        reject_nir(text)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    if len(text) > 500:
        raise DomainError(_("500 caractères au plus, s'il vous plaît."))
    return text


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the last day of that month (31 → 30 or 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def period_end(start: datetime.date, months: int) -> datetime.date:
    """The last day of a right of ``months`` months starting on ``start`` (inclusive)."""
    return add_months(start, months) - datetime.timedelta(days=1)


def network_of(beneficiary: Beneficiary) -> int:
    """The network of the person's file (a site always belongs to one: database check)."""
    network_id = beneficiary.site.network_id
    if network_id is None:
        raise DomainError(_("Cet espace n'appartient à aucun réseau."))
    return network_id


def settings_for(network_id: int) -> AccessRightSettings:
    """The network's settings, or the defaults (not saved) while it has not chosen."""
    found = AccessRightSettings.objects.filter(network_id=network_id).first()
    return found or AccessRightSettings(network_id=network_id)


def _lock_file(beneficiary: Beneficiary) -> Beneficiary:
    locked = (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=beneficiary.pk)
    )
    if locked.merged_into_id is not None:
        raise DomainError(
            _("Ce dossier a été fusionné dans un autre dossier : ouvrez le dossier conservé.")
        )
    return locked


def _check_file_visible(actor: Membership, beneficiary: Beneficiary) -> None:
    if not Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists():
        raise DomainError(_("Ce dossier n'est pas accessible depuis votre organisation."))


def _lock_right(actor: Membership, right: AccessRight) -> AccessRight:
    """The right's person locked first (same order as every other write), then the right."""
    if not AccessRight.objects.visible_to(actor).filter(pk=right.pk).exists():
        raise DomainError(_("Ce droit d'accès n'est pas accessible depuis votre organisation."))
    _lock_file(right.beneficiary)
    return (
        AccessRight.objects.select_for_update(of=("self",)).select_related("site").get(pk=right.pk)
    )


def current_right(beneficiary: Beneficiary, network_id: int) -> AccessRight | None:
    return (
        AccessRight.objects.current().filter(beneficiary=beneficiary, network_id=network_id).first()
    )


# --- opening ---------------------------------------------------------------------------


def _open(
    *,
    file: Beneficiary,
    site: Site,
    starts_on: datetime.date,
    opened_by: str,
    user,
    referral_id: int | None = None,
    reason: str = "",
) -> AccessRight:
    """Open a right for a locked file; the previous (expired or closed) one becomes history."""
    network_id = network_of(file)
    settings = settings_for(network_id)
    previous = current_right(file, network_id)
    if previous is not None:
        AccessRight.objects.filter(pk=previous.pk).update(is_current=False)
    right = AccessRight(
        network_id=network_id,
        site=site,
        beneficiary=file,
        opened_by=opened_by,
        opening_referral_id=referral_id,
        decision_reason=reason,
        opened_by_user=user,
        starts_on=starts_on,
        ends_on=period_end(starts_on, settings.duration_months),
    )
    _full_clean(right, validate_constraints=False)
    right.save()
    record(
        actor=user,
        action="access_right.opened",
        obj=right,
        site=site,
        reason=reason,
        payload={
            "beneficiary": file.pk,
            "opened_by": opened_by,
            "referral": referral_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": right.ends_on.isoformat(),
            "previous": previous.pk if previous is not None else None,
        },
    )
    return right


def access_right_open_on_referral(
    *, actor, beneficiary: Beneficiary, site: Site, referral_id: int
) -> tuple[AccessRight, bool]:
    """The person came with a referral (hook ``referral.consumed``): their right opens today,
    unless one is already running (then it is returned as it is)."""
    user = actor.user if isinstance(actor, Membership) else actor
    with transaction.atomic():
        file = _lock_file(beneficiary)
        today = clock.localdate()
        existing = current_right(file, network_of(file))
        if existing is not None and existing.status_on(today) in RUNNING:
            return existing, False
        right = _open(
            file=file,
            site=site,
            starts_on=today,
            opened_by=RightOpening.REFERRAL,
            user=user,
            referral_id=referral_id,
        )
    return right, True


def access_right_open(
    *, actor: Membership, beneficiary: Beneficiary, starts_on: datetime.date, reason: str
) -> AccessRight:
    """A site manager opens a right on their own decision, with the reason written down."""
    _require_role(actor, DECIDE_ROLES)
    reason = _clean_text(reason, required=_("Indiquez pourquoi vous ouvrez ce droit."))
    _check_file_visible(actor, beneficiary)
    today = clock.localdate()
    if starts_on < today - datetime.timedelta(days=BACKDATE_DAYS):
        raise DomainError(_("Le droit ne peut pas commencer plus d'un mois dans le passé."))
    if starts_on > today + datetime.timedelta(days=AHEAD_DAYS):
        raise DomainError(_("Le droit ne peut pas commencer plus de trois mois à l'avance."))
    with transaction.atomic():
        file = _lock_file(beneficiary)
        existing = current_right(file, network_of(file))
        if existing is not None and existing.status_on(today) in RUNNING:
            raise DomainError(
                _(
                    "Cette personne a déjà un droit d'accès en cours (jusqu'au %(date)s) : "
                    "demandez plutôt son renouvellement."
                )
                % {"date": existing.ends_on.strftime("%d/%m/%Y")}
            )
        site = actor.organisation.site if actor.role != Role.NETWORK_ADMIN else file.site
        return _open(
            file=file,
            site=site,
            starts_on=starts_on,
            opened_by=RightOpening.DECISION,
            user=actor.user,
            reason=reason,
        )


# --- suspension and closure ------------------------------------------------------------


def access_right_suspend(*, actor: Membership, right: AccessRight, reason: str) -> AccessRight:
    _require_role(actor, DECIDE_ROLES)
    reason = _clean_text(reason, required=_("Indiquez pourquoi le droit est suspendu."))
    with transaction.atomic():
        locked = _lock_right(actor, right)
        status = locked.status_on(clock.localdate())
        if status != RightStatus.ACTIVE:
            raise DomainError(
                _("Seul un droit actif peut être suspendu (celui-ci est %(status)s).")
                % {"status": RightStatus(status).label}
            )
        locked.suspended_on = clock.localdate()
        locked.suspension_reason = reason
        locked.suspended_by = actor.user
        locked.save(
            update_fields=["suspended_on", "suspension_reason", "suspended_by", "updated_at"]
        )
        record(
            actor=actor.user,
            action="access_right.suspended",
            obj=locked,
            site=locked.site,
            reason=reason,
            payload={"beneficiary": locked.beneficiary_id},
        )
    return locked


def access_right_resume(*, actor: Membership, right: AccessRight) -> AccessRight:
    _require_role(actor, DECIDE_ROLES)
    with transaction.atomic():
        locked = _lock_right(actor, right)
        if locked.status_on(clock.localdate()) != RightStatus.SUSPENDED:
            raise DomainError(_("Ce droit n'est pas suspendu."))
        suspended_on = locked.suspended_on
        locked.suspended_on = None
        locked.suspension_reason = ""
        locked.suspended_by = None
        locked.save(
            update_fields=["suspended_on", "suspension_reason", "suspended_by", "updated_at"]
        )
        record(
            actor=actor.user,
            action="access_right.resumed",
            obj=locked,
            site=locked.site,
            payload={
                "beneficiary": locked.beneficiary_id,
                "suspended_on": suspended_on.isoformat() if suspended_on else None,
            },
        )
    return locked


def access_right_close(
    *, actor: Membership, right: AccessRight, reason: str, note: str = ""
) -> AccessRight:
    _require_role(actor, DECIDE_ROLES)
    if reason not in RightCloseReason.values or reason in (
        RightCloseReason.REOPENED,
        RightCloseReason.MERGED,
    ):
        raise DomainError(_("Choisissez un motif dans la liste."))
    note = _clean_text(note)
    if reason == RightCloseReason.OTHER and not note:
        raise DomainError(_("Précisez le motif quand vous choisissez « autre motif »."))
    with transaction.atomic():
        locked = _lock_right(actor, right)
        today = clock.localdate()
        if locked.status_on(today) not in RUNNING:
            raise DomainError(_("Ce droit est déjà terminé."))
        locked.closed_on = max(today, locked.starts_on)
        locked.close_reason = reason
        locked.close_note = note
        locked.closed_by = actor.user
        _full_clean(locked, validate_constraints=False)
        locked.save(
            update_fields=["closed_on", "close_reason", "close_note", "closed_by", "updated_at"]
        )
        AccessRightRenewal.objects.filter(
            access_right=locked, decision=RenewalDecision.PENDING
        ).update(
            decision=RenewalDecision.REFUSED,
            decided_at=clock.now(),
            decided_by=actor.user,
            decision_note=str(_("Droit clos.")),
        )
        record(
            actor=actor.user,
            action="access_right.closed",
            obj=locked,
            site=locked.site,
            reason=note,
            payload={"beneficiary": locked.beneficiary_id, "close_reason": reason},
        )
    return locked


# --- renewal ---------------------------------------------------------------------------


def _check_renewable(right: AccessRight, settings: AccessRightSettings) -> None:
    if not right.is_current:
        raise DomainError(_("Un droit plus récent existe : c'est lui qu'il faut renouveler."))
    if right.status_on(clock.localdate()) == RightStatus.CLOSED:
        raise DomainError(_("Un droit clos ne se renouvelle pas : ouvrez-en un nouveau."))
    if right.renewals_used >= settings.max_renewals:
        raise DomainError(
            _("Ce droit a déjà été renouvelé le nombre de fois permis par le réseau.")
        )


def renewal_request(*, actor: Membership, right: AccessRight, note: str) -> AccessRightRenewal:
    """The team asks for a right to be extended; the site manager decides."""
    _require_role(actor, RENEWAL_REQUEST_ROLES)
    note = _clean_text(note, required=_("Indiquez pourquoi le droit devrait être renouvelé."))
    with transaction.atomic():
        locked = _lock_right(actor, right)
        _check_renewable(locked, settings_for(locked.network_id))
        if locked.renewals.filter(decision=RenewalDecision.PENDING).exists():
            raise DomainError(_("Une demande de renouvellement attend déjà une décision."))
        renewal = AccessRightRenewal(
            access_right=locked,
            requested_at=clock.now(),
            requested_by=actor.user,
            request_note=note,
        )
        _full_clean(renewal, validate_constraints=False)
        renewal.save()
        record(
            actor=actor.user,
            action="access_right.renewal_requested",
            obj=locked,
            site=locked.site,
            reason=note,
            payload={"beneficiary": locked.beneficiary_id, "renewal": renewal.pk},
        )
    return renewal


def renewal_decide(
    *, actor: Membership, renewal: AccessRightRenewal, accept: bool, note: str = ""
) -> AccessRightRenewal:
    """Accepted: the right runs ``renewal_months`` more, from its end (or from today when it
    has already expired). Refused: the reason is written down."""
    _require_role(actor, DECIDE_ROLES)
    note = _clean_text(
        note, required="" if accept else _("Indiquez pourquoi le renouvellement est refusé.")
    )
    with transaction.atomic():
        locked = _lock_right(actor, renewal.access_right)
        renewal = AccessRightRenewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.decision != RenewalDecision.PENDING:
            raise DomainError(_("Cette demande a déjà reçu une décision."))
        renewal.decided_at = clock.now()
        renewal.decided_by = actor.user
        renewal.decision_note = note
        if not accept:
            renewal.decision = RenewalDecision.REFUSED
            renewal.save(
                update_fields=[
                    "decision",
                    "decided_at",
                    "decided_by",
                    "decision_note",
                    "updated_at",
                ]
            )
            record(
                actor=actor.user,
                action="access_right.renewal_refused",
                obj=locked,
                site=locked.site,
                reason=note,
                payload={"beneficiary": locked.beneficiary_id, "renewal": renewal.pk},
            )
            return renewal
        settings = settings_for(locked.network_id)
        _check_renewable(locked, settings)
        today = clock.localdate()
        start = max(locked.ends_on, today - datetime.timedelta(days=1)) + datetime.timedelta(days=1)
        locked.ends_on = period_end(start, settings.renewal_months)
        locked.renewals_used += 1
        locked.save(update_fields=["ends_on", "renewals_used", "updated_at"])
        renewal.decision = RenewalDecision.ACCEPTED
        renewal.new_ends_on = locked.ends_on
        renewal.save(
            update_fields=[
                "decision",
                "decided_at",
                "decided_by",
                "decision_note",
                "new_ends_on",
                "updated_at",
            ]
        )
        record(
            actor=actor.user,
            action="access_right.renewal_accepted",
            obj=locked,
            site=locked.site,
            reason=note,
            payload={
                "beneficiary": locked.beneficiary_id,
                "renewal": renewal.pk,
                "ends_on": locked.ends_on.isoformat(),
            },
        )
    return renewal


# --- network settings and quota rules ----------------------------------------------------

SETTINGS_FIELDS = ("duration_months", "renewal_months", "max_renewals", "reminder_days")
RULE_FIELDS = (
    "name",
    "scope",
    "offer",
    "families",
    "per",
    "window",
    "window_length",
    "measure",
    "max_quantity",
    "max_amount",
    "return_gives_back",
    "is_active",
)


def _network_of(actor: Membership) -> Organisation:
    return actor.organisation


def access_right_settings_update(
    *, actor: Membership, data: Mapping[str, Any]
) -> AccessRightSettings:
    """The network admin sets the duration, renewals and reminder of the network's rights.
    Rights already open keep their dates; new ones and renewals follow the new settings."""
    _require_role(actor, NETWORK_ROLES)
    network = _network_of(actor)
    with transaction.atomic():
        settings, _created = AccessRightSettings.objects.select_for_update().get_or_create(
            network=network
        )
        changed = [
            name
            for name in SETTINGS_FIELDS
            if name in data and getattr(settings, name) != data[name]
        ]
        for name in changed:
            setattr(settings, name, data[name])
        _full_clean(settings)
        settings.save(update_fields=[*changed, "updated_at"])
        record(
            actor=actor.user,
            action="access_right.settings_updated",
            obj=settings,
            payload={name: getattr(settings, name) for name in changed},
        )
    return settings


def _rule_values(data: Mapping[str, Any], network: Organisation) -> dict[str, Any]:
    values = {name: data[name] for name in RULE_FIELDS if name in data}
    offer = values.get("offer")
    if offer is not None and offer.network_id != network.pk:
        raise DomainError(_("Cette offre n'appartient pas à votre réseau."))
    scope = values.get("scope")
    if scope == QuotaScope.OFFER:
        values["families"] = []
    else:
        values["offer"] = None
        families = list(dict.fromkeys(values.get("families") or []))
        if not families:
            raise DomainError(_("Choisissez au moins une famille d'offres."))
        if scope == QuotaScope.FAMILY and len(families) != 1:
            raise DomainError(_("Une règle sur une famille porte sur une seule famille."))
        values["families"] = families
    if values.get("measure") == QuotaMeasure.QUANTITY:
        values["max_amount"] = None
        if not values.get("max_quantity"):
            raise DomainError(_("Indiquez la quantité maximale."))
    elif values.get("measure") == QuotaMeasure.AMOUNT:
        values["max_quantity"] = None
        if not values.get("max_amount"):
            raise DomainError(_("Indiquez le montant maximal en valeur faciale."))
    if values.get("window") in (QuotaWindow.ROLLING_DAYS, QuotaWindow.YEARS):
        if not values.get("window_length"):
            raise DomainError(_("Indiquez le nombre de jours ou d'années de la période."))
    else:
        values["window_length"] = None
    return values


def quota_rule_save(
    *, actor: Membership, data: Mapping[str, Any], rule: QuotaRule | None = None
) -> QuotaRule:
    """Create a quota rule of the actor's network, or change one. Purchases already made
    keep counting under the rule as it now reads."""
    _require_role(actor, NETWORK_ROLES)
    network = _network_of(actor)
    values = _rule_values(data, network)
    with transaction.atomic():
        if rule is None:
            rule = QuotaRule(network=network)
            action_created = True
        else:
            rule = QuotaRule.objects.select_for_update().visible_to(actor).get(pk=rule.pk)
            action_created = False
        for name, value in values.items():
            setattr(rule, name, value)
        _full_clean(rule)
        rule.save()
        payload = {
            "scope": rule.scope,
            "per": rule.per,
            "window": rule.window,
            "measure": rule.measure,
        }
        if action_created:
            record(actor=actor.user, action="quota_rule.created", obj=rule, payload=payload)
        else:
            record(actor=actor.user, action="quota_rule.updated", obj=rule, payload=payload)
    return rule
