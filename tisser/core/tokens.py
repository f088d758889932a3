"""Secrets of the links sent by SMS or e-mail (an invitation, a survey, a cancellation).

A link's token is derived from its saved row and SECRET_KEY, like Django's password-reset
tokens: the message is rebuilt when it leaves (nothing secret is queued or stored in
clear), and the database keeps only the token's SHA-256, so a copy of the database without
the key holds no usable link.
"""

import hashlib

from django.utils.crypto import salted_hmac


def row_secret(salt: str, row, *parts) -> bytes:
    """HMAC-SHA-256 (SECRET_KEY, ``salt``) of the row's id, ``parts`` and its creation
    instant to the microsecond."""
    created = int(row.created_at.timestamp() * 1_000_000)
    value = ":".join(str(part) for part in (row.pk, *parts, created))
    return salted_hmac(salt, value, algorithm="sha256").digest()


def token_hash(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
