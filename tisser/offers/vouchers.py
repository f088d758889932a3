"""Voucher codes (recharges, SIM cards): encrypted at rest, found by a keyed fingerprint.

A code is worth money until it is used, so the database never holds it in clear:
``code_encrypted`` is a Fernet token (AES-128-CBC + HMAC-SHA256) made with the first key of
``settings.VOUCHER_CODE_KEYS``; every key of the list decrypts (``MultiFernet``), so a new
key is put first, ``manage.py rotate_voucher_keys`` re-encrypts every code with it, then the
old key is removed. ``code_fingerprint`` is an HMAC-SHA256 of the normalised code with
``settings.VOUCHER_FINGERPRINT_KEY``: a receipt or an import finds a code already in stock
without decrypting anything. Neither key is derived from ``SECRET_KEY`` (docs/decisions/0041).

The code is shown only once the voucher is sold (issue 11 prints it on the paid receipt):
``voucher_code_reveal`` refuses any other status and journals every reveal.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core import journal
from tisser.core.errors import DomainError
from tisser.offers.enums import VoucherStatus
from tisser.offers.models import Voucher

MAX_CODE_LENGTH = 64
REVEAL_ROLES = frozenset({Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR})
REVEALABLE_STATUSES = frozenset({VoucherStatus.SOLD})
CODE_CHARACTERS = re.compile(r"^[0-9A-Za-z*#+\-. ]+$")


@lru_cache(maxsize=4)
def _ciphers(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("VOUCHER_CODE_KEYS is empty: voucher codes cannot be stored.")
    try:
        fernets = [Fernet(key) for key in keys]
    except ValueError as exc:
        raise ImproperlyConfigured("VOUCHER_CODE_KEYS must hold Fernet keys.") from exc
    return MultiFernet(fernets), fernets[0]


def ciphers() -> tuple[MultiFernet, Fernet]:
    """(all keys, the first key) from the current settings."""
    return _ciphers(tuple(settings.VOUCHER_CODE_KEYS))


def _fingerprint_key() -> bytes:
    key = settings.VOUCHER_FINGERPRINT_KEY
    if not key:
        raise ImproperlyConfigured("VOUCHER_FINGERPRINT_KEY is empty.")
    return key.encode()


def normalize_code(code: str) -> str:
    """The code as typed or read from a file, without spaces around or inside it."""
    return "".join(str(code or "").split())


def code_problem(code: str) -> str | None:
    """A French message when ``code`` (normalised) cannot be a voucher code, else None."""
    if not code:
        return _("Le code est vide.")
    if len(code) > MAX_CODE_LENGTH:
        return _("Le code est trop long (%(max)s caractères au plus).") % {"max": MAX_CODE_LENGTH}
    if not CODE_CHARACTERS.match(code):
        return _("Le code ne peut contenir que des chiffres, des lettres et * # + - .")
    return None


def code_fingerprint(code: str) -> str:
    """Keyed hash of the code: equal codes (spaces, case of letters aside) give equal prints."""
    normalized = normalize_code(code).upper().encode()
    return hmac.new(_fingerprint_key(), normalized, hashlib.sha256).hexdigest()


def code_encrypt(code: str) -> str:
    multi, _first = ciphers()
    return multi.encrypt(normalize_code(code).encode()).decode("ascii")


def code_decrypt(token: str) -> str:
    multi, _first = ciphers()
    try:
        return multi.decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise DomainError(
            _(
                "Ce code ne peut pas être déchiffré avec les clés configurées : prévenez "
                "l'administrateur technique."
            )
        ) from exc


def voucher_code_reveal(*, actor, voucher: Voucher, reason: str) -> str:
    """The clear code of a sold voucher, for the paid receipt; each reveal is journaled."""
    reason = " ".join(str(reason or "").split())
    if actor is None or not actor.is_active or actor.role not in REVEAL_ROLES:
        raise DomainError(_("Votre rôle ne permet pas d'afficher un code."))
    if not reason:
        raise DomainError(_("Dites pourquoi vous affichez ce code (par exemple : reçu de vente)."))
    with transaction.atomic():
        locked = Voucher.objects.visible_to(actor).filter(pk=voucher.pk).first()
        if locked is None:
            raise DomainError(_("Ce code n'est pas dans le stock de votre espace."))
        if locked.status not in REVEALABLE_STATUSES:
            raise DomainError(
                _(
                    "Le code n'est affiché qu'une fois la recharge ou la carte vendue "
                    "(statut actuel : %(status)s)."
                )
                % {"status": locked.get_status_display()}
            )
        code = code_decrypt(locked.code_encrypted)
        journal.record(
            actor=actor.user,
            action="voucher.code_revealed",
            obj=locked,
            site=locked.site_id,
            reason=reason,
            payload={"offer": locked.offer_id},
        )
    return code


@dataclass
class RotationCounts:
    examined: int = 0
    rotated: int = 0
    already_current: int = 0

    def __str__(self):
        return (
            f"{self.examined} code(s) examined, {self.rotated} re-encrypted with the first key, "
            f"{self.already_current} already under it"
        )


def _is_current(token: str, first: Fernet) -> bool:
    try:
        first.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate_keys(*, batch_size: int = 1000, after_id: int = 0, progress=None) -> RotationCounts:
    """Re-encrypt every code not yet under the first key, in batches of ``batch_size``.

    Idempotent (a code already under the first key is left as is) and resumable: each batch
    commits on its own, so an interrupted run is simply started again (or from ``after_id``).
    A code no configured key decrypts stops the run with a ``DomainError``.
    """
    multi, first = ciphers()
    counts = RotationCounts()
    last_id = after_id
    while True:
        with transaction.atomic():
            batch = list(
                Voucher.objects.select_for_update()
                .filter(pk__gt=last_id)
                .order_by("pk")
                .only("pk", "code_encrypted")[:batch_size]
            )
            if not batch:
                break
            changed = []
            for voucher in batch:
                counts.examined += 1
                if _is_current(voucher.code_encrypted, first):
                    counts.already_current += 1
                    continue
                try:
                    token = multi.rotate(voucher.code_encrypted.encode("ascii"))
                except InvalidToken as exc:
                    raise DomainError(
                        _(
                            "Le code n° %(id)s ne se déchiffre avec aucune des clés : "
                            "remettez l'ancienne clé dans VOUCHER_CODE_KEYS."
                        )
                        % {"id": voucher.pk}
                    ) from exc
                voucher.code_encrypted = token.decode("ascii")
                changed.append(voucher)
            Voucher.objects.bulk_update(changed, ["code_encrypted"])
            counts.rotated += len(changed)
            last_id = batch[-1].pk
        if progress is not None:
            progress(last_id, counts)
    return counts
