"""Writes about referrals that are not status changes: drafts, partner validation, reminders.

Status changes live in :mod:`tisser.referrals.transitions` (one service per transition).
``actor`` is the acting :class:`Membership`; ``None`` only for a public request (the person
writes on the public site) and for the scheduled housekeeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import HabilitationStatus, Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    ContactChannel,
    EligibilityCriterion,
    SocialStatus,
)
from tisser.core import clock
from tisser.core.choices import known_codes
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.names import search_key
from tisser.core.phones import normalize_phone
from tisser.referrals import transitions
from tisser.referrals.enums import (
    ANSWER_DELAY_DAYS,
    REMINDER_EVERY_DAYS,
    Need,
    OfferFamily,
    ReferralSource,
    ReferralStatus,
)
from tisser.referrals.models import Referral

# The fields a draft accepts, in the order the partner form shows them. ``notice_given``
# (a boolean) is the referrer's statement that the person received the information
# notice: the current notice version is then recorded on the referral.
DRAFT_FIELDS = (
    "first_name",
    "last_name",
    "birth_year",
    "phone",
    "email",
    "preferred_channel",
    "postal_code",
    "commune",
    "social_status",
    "is_jobseeker",
    "eligibility_criteria",
    "needs",
    "requested_offers",
    "reason",
    "notice_given",
)
# Multiple choices stored as JSON lists, and the vocabulary each must come from.
LIST_FIELDS: dict[str, type[TextChoices]] = {
    "eligibility_criteria": EligibilityCriterion,
    "needs": Need,
    "requested_offers": OfferFamily,
}
TEXT_FIELDS = ("first_name", "last_name", "email", "postal_code", "commune", "reason")
SITE_TEAM_ROLES = transitions.SITE_TEAM_ROLES


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _apply_draft_data(referral: Referral, data: Mapping[str, Any]) -> list[str]:
    """Copy the accepted fields onto the referral, normalised; return the changed names."""
    refused = sorted(set(data).difference(DRAFT_FIELDS))
    if refused:
        raise DomainError(
            _("Ces informations ne font pas partie d'un bon d'orientation : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )
    changed = []
    value: Any
    for name, raw in data.items():
        if name == "notice_given":
            field, value = "notice_version", CURRENT_NOTICE_VERSION if raw else ""
        elif name == "phone":
            field = name
            try:
                value = normalize_phone(raw or "")
            except ValidationError as error:
                raise DomainError(_validation_message(error)) from error
        elif name in LIST_FIELDS:
            field = name
            value = known_codes(
                raw, LIST_FIELDS[name], unknown_message=_("Choix inconnu : %(codes)s.")
            )
        elif name in TEXT_FIELDS:
            field, value = name, (raw or "").strip()
        elif name == "social_status":
            field, value = name, raw or SocialStatus.NON_COMMUNIQUE
        elif name == "preferred_channel":
            field, value = name, raw or ContactChannel.SMS
        else:
            field, value = name, raw
        if getattr(referral, field) != value:
            setattr(referral, field, value)
            changed.append(field)
    if "email" in changed:
        referral.email = referral.email.lower()
    referral.search_key = search_key(referral.first_name, referral.last_name)
    return changed


def _clean(referral: Referral) -> None:
    try:
        referral.full_clean(exclude=["site", "partner", "referrer", "beneficiary"])
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error


def _check_target_site(site: Site | None, network_id: int | None) -> None:
    if site is None or not site.is_active or site.network_id != network_id:
        raise DomainError(_("Choisissez un espace ouvert du réseau."))


def referral_create_draft(
    *,
    actor: Membership | None,
    site: Site,
    data: Mapping[str, Any],
    source: str = ReferralSource.PARTNER,
    import_key: str = "",
) -> Referral:
    """A new draft, written by a partner referrer (or a site, for its own imported list).

    With ``source=public_request`` there is no actor: the person asks for help on the
    public site; the draft has no partner and no referrer and goes to moderation on submit.
    """
    referral = Referral(
        site=site, source=source, status=ReferralStatus.DRAFT, import_key=import_key
    )
    if source == ReferralSource.PUBLIC_REQUEST:
        if actor is not None:
            raise DomainError(_("Une demande d'aide est écrite par la personne elle-même."))
        _check_target_site(site, site.network_id if site is not None else None)
    else:
        if actor is None or not actor.is_active:
            raise DomainError(_("Votre rôle ne permet pas cette action."))
        if actor.role == Role.PARTNER_REFERRER:
            partner = Partner.objects.get(pk=actor.organisation_id)
            _check_target_site(site, partner.network_id)
            referral.partner = partner
            referral.referrer = actor.user
        elif (
            source == ReferralSource.IMPORT
            and actor.role in SITE_TEAM_ROLES
            and site is not None
            and site.pk == actor.organisation_id
        ):
            _check_target_site(site, site.network_id)
        else:
            raise DomainError(_("Votre rôle ne permet pas d'écrire un bon d'orientation ici."))
        if source not in (ReferralSource.PARTNER, ReferralSource.IMPORT):
            raise DomainError(_("Cette origine de bon d'orientation n'existe pas."))
    with transaction.atomic():
        _apply_draft_data(referral, data)
        _clean(referral)
        referral.save()
        record(
            actor=actor.user if actor is not None else None,
            action="referral.created",
            obj=referral,
            site=site,
            payload={"source": source, "partner": referral.partner_id},
        )
    return referral


def referral_update_draft(
    *,
    actor: Membership,
    referral: Referral,
    data: Mapping[str, Any],
    site: Site | None = None,
) -> list[str]:
    """Change a draft (only a draft: once sent, the site works on what it received)."""
    with transaction.atomic():
        referral = transitions.lock_referral(referral)
        if not transitions.is_referrer_for(actor, referral):
            raise DomainError(_("Votre rôle ne vous permet pas d'agir sur ce bon d'orientation."))
        if referral.status != ReferralStatus.DRAFT:
            raise DomainError(
                _("Ce bon d'orientation a été envoyé : il ne peut plus être modifié.")
            )
        changed = _apply_draft_data(referral, data)
        if site is not None and site.pk != referral.site_id:
            _check_target_site(site, referral.site.network_id)
            referral.site = site
            changed.append("site")
        if not changed:
            return []
        _clean(referral)
        referral.save(update_fields=[*changed, "search_key", "updated_at"])
        record(
            actor=actor.user,
            action="referral.updated",
            obj=referral,
            site=referral.site,
            payload={"fields": sorted(changed)},
        )
    return changed


def partner_validate(*, actor: Membership, partner: Partner) -> list[Referral]:
    """A network admin validates a partner's habilitation and releases its waiting referrals.

    Each referral in moderation goes to its site ("submitted"), with its history row, its
    journal entry and the message to the site team. Returns the released referrals.
    """
    now = clock.now()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().get(pk=partner.pk)
        if (
            actor is None
            or not actor.is_active
            or actor.role != Role.NETWORK_ADMIN
            or actor.organisation_id != partner.network_id
        ):
            raise DomainError(_("Seul un administrateur du réseau valide un partenaire."))
        if partner.habilitation_status != HabilitationStatus.VALIDATED:
            previous = partner.habilitation_status
            partner.habilitation_status = HabilitationStatus.VALIDATED
            try:
                partner.full_clean()
            except ValidationError as error:
                raise DomainError(_validation_message(error)) from error
            partner.save(update_fields=["habilitation_status", "updated_at"])
            record(
                actor=actor.user,
                action="partner.validated",
                obj=partner,
                payload={"from": previous, "to": partner.habilitation_status},
            )
        waiting = list(
            Referral.objects.select_for_update()
            .select_related("site")
            .filter(
                partner=partner,
                status=ReferralStatus.MODERATION_PENDING,
                source__in=[ReferralSource.PARTNER, ReferralSource.IMPORT],
            )
            .order_by("pk")
        )
        for referral in waiting:
            transitions.release_from_moderation(
                actor=actor,
                referral=referral,
                now=now,
                note=_("Partenaire validé par le réseau"),
            )
    return waiting


def reminder_number(referral: Referral, now: datetime) -> int:
    """Which reminder is due now: 1 after 10 days without an answer, 2 after 20, 0 if none."""
    if referral.status != ReferralStatus.SUBMITTED or referral.submitted_at is None:
        return 0
    waited = now - referral.submitted_at
    if waited >= timedelta(days=ANSWER_DELAY_DAYS):
        return 0  # expiry, not a reminder
    number = waited // timedelta(days=REMINDER_EVERY_DAYS)
    if number < 1:
        return 0
    last = referral.last_reminder_at
    if last is not None and last >= referral.submitted_at + number * timedelta(
        days=REMINDER_EVERY_DAYS
    ):
        return 0  # this one was already sent
    return number


def referral_remind_site(*, referral: Referral, now: datetime | None = None) -> bool:
    """Remind the site team of a referral waiting for an answer (every 10 days).

    Run by the scheduled housekeeping. Returns False (and changes nothing) when no reminder
    is due, so running it twice sends nothing the second time.
    """
    now = now or clock.now()
    with transaction.atomic():
        referral = transitions.lock_referral(referral)
        number = reminder_number(referral, now)
        if not number or referral.submitted_at is None:
            return False
        referral.last_reminder_at = now
        referral.save(update_fields=["last_reminder_at", "updated_at"])
        record(
            actor=None,
            action="referral.reminded",
            obj=referral,
            site=referral.site,
            payload={"reminder": number, "days": (now - referral.submitted_at).days},
        )
        transitions.queue_notification(
            event_key=f"referral:{referral.pk}:reminder:{number}:site_team",
            template="referral_reminder_site",
            recipient_kind="site_team",
            site=referral.site,
            subject=referral,
        )
    return True


def help_request_overdue_candidates(today) -> list[int]:
    """Ids of public help requests past their reply day and not yet signalled."""
    return list(
        Referral.objects.filter(
            status=ReferralStatus.SUBMITTED,
            source=ReferralSource.PUBLIC_REQUEST,
            reply_due_on__lt=today,
            overdue_reminder_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def help_request_remind_overdue(*, referral: Referral, now: datetime | None = None) -> bool:
    """Tell the site's managers that a public help request is past its reply day.

    Once per request (``overdue_reminder_at``, checked on the locked row; the message's event
    key is unique too): running the job twice sends nothing the second time. Returns whether
    a reminder was queued.
    """
    now = now or clock.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        referral = transitions.lock_referral(referral)
        due = (
            referral.source == ReferralSource.PUBLIC_REQUEST
            and referral.status == ReferralStatus.SUBMITTED
            and referral.reply_due_on is not None
            and referral.reply_due_on < today
            and referral.overdue_reminder_at is None
        )
        due_on = referral.reply_due_on
        if not due or due_on is None:
            return False
        referral.overdue_reminder_at = now
        referral.save(update_fields=["overdue_reminder_at", "updated_at"])
        record(
            actor=None,
            action="referral.help_request_overdue",
            obj=referral,
            site=referral.site,
            payload={"due_on": due_on.isoformat()},
        )
        transitions.queue_notification(
            event_key=(
                f"referral:{referral.pk}:help_request_overdue:{referral.site_id}:"
                f"{due_on.isoformat()}:site_managers"
            ),
            template="help_request_overdue_site",
            recipient_kind="site_managers",
            site=referral.site,
            subject=referral,
        )
    return True


def help_requests_remind_overdue(now: datetime) -> dict[str, int]:
    """The job's body: one reminder per overdue request, each in its own transaction."""
    reminded = 0
    for pk in help_request_overdue_candidates(timezone.localdate(now)):
        if help_request_remind_overdue(referral=Referral(pk=pk), now=now):
            reminded += 1
    return {"reminded": reminded}


def referral_record_summary_print(*, actor: Membership, referral: Referral) -> None:
    """Journal that someone printed the summary of a referral: it names the person and
    their appointment (CNIL, reads)."""
    with transaction.atomic():
        record(
            actor=actor.user,
            action="referral.summary_printed",
            obj=referral,
            site=referral.site,
            payload={"role": actor.role},
        )


def referral_record_view(*, actor: Membership, referral: Referral) -> None:
    """Journal that someone opened a referral: it holds the person's details (CNIL, reads)."""
    with transaction.atomic():
        record(
            actor=actor.user,
            action="referral.viewed",
            obj=referral,
            site=referral.site,
            payload={"role": actor.role},
        )
