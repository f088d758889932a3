"""Writes of learner cards and sign-ins (docs/decisions/0042-learner-sign-in.md).

``actor`` is the acting :class:`Membership`: a member of the site team of the person's file
(site manager, mediator, volunteer — volunteers may open and create files, and they run the
workshops where cards are handed out). Each write runs in one transaction with its journal
entry; a refusal is a ``DomainError`` in French and changes nothing. The sign-in services
have no actor: they are called for an anonymous browser, and never say why a code failed.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.learners import codes
from tisser.learners.models import LearnerCard

CARD_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
CARD_VALID_DAYS = 365
SMS_TEMPLATE = "learner_card_sms"

# One message for every failure: unknown, revoked and expired codes look the same.
WRONG_CODE = gettext_lazy(
    "Ce code ne marche pas. Vérifiez les 8 signes sur votre carte et essayez encore. "
    "Si cela ne marche toujours pas, demandez une nouvelle carte à votre médiateur."
)
WRONG_LINK = gettext_lazy(
    "Ce lien ne marche pas ou plus. Tapez le code de votre carte, ou demandez une nouvelle "
    "carte à votre médiateur."
)


class SignInMethod:
    CODE = "code"
    QR = "qr"


def _require_team(actor: Membership | None, beneficiary: Beneficiary) -> Membership:
    """A member of the site team that holds the person's file."""
    if (
        actor is None
        or not actor.is_active
        or actor.role not in CARD_ROLES
        or actor.organisation_id != beneficiary.site_id
    ):
        raise DomainError(_("Seule l'équipe de l'espace qui suit cette personne gère sa carte."))
    return actor


def _require_usable(card: LearnerCard) -> None:
    if card.revoked_at is not None:
        raise DomainError(_("Cette carte est désactivée. Faites une nouvelle carte."))
    if card.expires_at <= clock.now():
        raise DomainError(_("Cette carte n'est plus valable. Faites une nouvelle carte."))


def _new_card(*, beneficiary, site, issued_by, now) -> LearnerCard:
    """A card with a fresh seed; a collision of codes (1 in a million million) draws again."""
    for _attempt in range(5):
        seed = codes.new_seed()
        card = LearnerCard(
            beneficiary=beneficiary,
            site=site,
            seed=seed,
            code_hash=codes.code_hash(codes.code_from_seed(seed)),
            token_hash=codes.token_hash(codes.token_from_seed(seed)),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + datetime.timedelta(days=CARD_VALID_DAYS),
        )
        card.full_clean(validate_constraints=False, validate_unique=False)
        try:
            with transaction.atomic():
                card.save()
        except IntegrityError:
            if LearnerCard.objects.filter(
                beneficiary=beneficiary, revoked_at__isnull=True
            ).exists():
                raise
            continue
        return card
    raise DomainError(_("La carte n'a pas pu être créée. Réessayez."))


def card_issue(*, actor: Membership, beneficiary: Beneficiary) -> LearnerCard:
    """Give the person a new card; the previous one (if any) stops working at once."""
    _require_team(actor, beneficiary)
    if beneficiary.merged_into_id:
        raise DomainError(_("Ce dossier a été fusionné : faites la carte sur le dossier gardé."))
    now = clock.now()
    with transaction.atomic():
        # Lock the file: two mediators clicking at once give the person one card, not two.
        Beneficiary.objects.select_for_update().filter(pk=beneficiary.pk).first()
        for old in LearnerCard.objects.select_for_update().filter(
            beneficiary=beneficiary, revoked_at__isnull=True
        ):
            _revoke(old, actor=actor, now=now, reason="reissued")
        card = _new_card(
            beneficiary=beneficiary, site=beneficiary.site, issued_by=actor.user, now=now
        )
        record(
            actor=actor.user,
            action="learner_card.issued",
            obj=card,
            site=beneficiary.site_id,
            payload={
                "file_number": beneficiary.file_number,
                "expires": card.expires_at.date().isoformat(),
            },
        )
    return card


def _revoke(card: LearnerCard, *, actor: Membership, now, reason: str) -> None:
    card.revoked_at = now
    card.revoked_by = actor.user
    card.save(update_fields=["revoked_at", "revoked_by"])
    record(
        actor=actor.user,
        action="learner_card.revoked",
        obj=card,
        site=card.beneficiary.site_id,
        payload={"file_number": card.beneficiary.file_number, "reason": reason},
    )


def card_revoke(*, actor: Membership, card: LearnerCard) -> LearnerCard:
    """Stop a card: the code and the link no longer work, and every browser it signed in is
    signed out at its next request."""
    _require_team(actor, card.beneficiary)
    with transaction.atomic():
        locked = (
            LearnerCard.objects.select_for_update(of=("self",))
            .select_related("beneficiary")
            .get(pk=card.pk)
        )
        if locked.revoked_at is not None:
            raise DomainError(_("Cette carte est déjà désactivée."))
        _revoke(locked, actor=actor, now=clock.now(), reason="revoked")
    return locked


def card_record_handover(*, actor: Membership, card: LearnerCard, how: str) -> None:
    """Journal that the code was shown on screen (``shown``) or printed (``printed``)."""
    if how not in ("shown", "printed"):
        raise ValueError(how)
    _require_team(actor, card.beneficiary)
    _require_usable(card)
    with transaction.atomic():
        record(
            actor=actor.user,
            action=f"learner_card.{how}",
            obj=card,
            site=card.beneficiary.site_id,
            payload={"file_number": card.beneficiary.file_number},
        )


def card_send_sms(*, actor: Membership, card: LearnerCard):
    """Queue the card's code and link by SMS to the person's mobile, at most once per card.

    The message leaves from the worker after the commit (notifications); it holds the code
    and the link only — no name, nothing else about the person.
    """
    from tisser.notifications.models import Channel, Notification, RecipientKind
    from tisser.notifications.services import notify, sms_address

    _require_team(actor, card.beneficiary)
    _require_usable(card)
    if not sms_address(card.beneficiary.phone):
        raise DomainError(
            _("Le dossier n'a pas de numéro de portable : montrez la carte ou imprimez-la.")
        )
    event_key = f"learners.card_sms:{card.pk}"
    if Notification.objects.filter(event_key=event_key).exists():
        raise DomainError(_("Cette carte a déjà été envoyée par SMS."))
    with transaction.atomic():
        notification = notify(
            event_key=event_key,
            template=SMS_TEMPLATE,
            recipient_kind=RecipientKind.PERSON,
            subject=card,
            site=card.beneficiary.site,
        )
        if notification.channel != Channel.SMS:
            raise DomainError(_("Cette personne ne reçoit pas de SMS (elle a répondu STOP)."))
        record(
            actor=actor.user,
            action="learner_card.sms_queued",
            obj=card,
            site=card.beneficiary.site_id,
            payload={
                "file_number": card.beneficiary.file_number,
                "notification": notification.pk,
            },
        )
    return notification


def _sign_in(card: LearnerCard | None, *, method: str, shared: bool, message) -> LearnerCard:
    now = clock.now()
    if card is None or not card.is_usable(now) or card.beneficiary.merged_into_id:
        raise DomainError(str(message))
    with transaction.atomic():
        LearnerCard.objects.filter(pk=card.pk).update(last_used_at=now)
        card.last_used_at = now
        record(
            actor=None,
            action="learner.signed_in",
            obj=card,
            site=card.beneficiary.site_id,
            payload={"method": method, "device": "shared" if shared else "personal"},
        )
    return card


def _find(**lookup) -> LearnerCard | None:
    return LearnerCard.objects.select_related("beneficiary", "site").filter(**lookup).first()


def learner_sign_in_by_code(*, code: str, shared: bool = False) -> LearnerCard:
    """The card whose code was typed, if it may sign in now; else the one French refusal."""
    normalized = codes.normalize_code(code)
    card = _find(code_hash=codes.code_hash(normalized)) if normalized else None
    return _sign_in(card, method=SignInMethod.CODE, shared=shared, message=WRONG_CODE)


def learner_sign_in_by_token(*, token: str, shared: bool = False) -> LearnerCard:
    card = _find(token_hash=codes.token_hash(token)) if token else None
    return _sign_in(card, method=SignInMethod.QR, shared=shared, message=WRONG_LINK)
