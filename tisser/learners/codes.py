"""The secrets of a learner card: a short code to type and a long token for the QR link.

A card holds one random seed. The code (8 characters, shown ``ABCD EFGH``) and the token
(43 characters in the link) are derived from it with a key that lives in the settings
(``SECRET_KEY``), never in the database; the database keeps only a keyed hash of each
(HMAC-SHA256, another key) to find the card from what the learner typed or scanned. The
database alone gives neither a code nor a link (docs/decisions/0042-learner-sign-in.md).

The alphabet has 32 signs that cannot be mistaken for one another when read aloud or
written by hand: digits 2 to 9 and capital letters without I and O (no 0/O, no 1/I). Five
bits each: 8 signs are 40 bits, about 1.1 million million codes.
"""

import re
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GROUP = 4
SEED_BYTES = 32
# Separators people type between the groups, and the letters they may mistype.
_SEPARATORS = re.compile(r"[\s\-_.·]+")
_VALID = re.compile(rf"[{ALPHABET}]{{{CODE_LENGTH}}}")

assert len(ALPHABET) == 32 and len(set(ALPHABET)) == 32


def new_seed() -> str:
    return secrets.token_hex(SEED_BYTES)


def _derive(purpose: str, seed: str) -> bytes:
    return salted_hmac(f"tisser.learners.card.{purpose}", seed, algorithm="sha256").digest()


def code_from_seed(seed: str) -> str:
    """The card's 8-sign code: the first 40 bits of a keyed hash, 5 bits per sign."""
    number = int.from_bytes(_derive("code", seed)[:5], "big")
    signs = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, 32)
        signs.append(ALPHABET[index])
    return "".join(reversed(signs))


def token_from_seed(seed: str) -> str:
    """The card's link token: 256 bits, URL-safe (43 characters)."""
    import base64

    return base64.urlsafe_b64encode(_derive("token", seed)).decode().rstrip("=")


def normalize_code(typed: str) -> str:
    """What the learner typed, in capitals without spaces or dashes ("" if it cannot be one)."""
    code = _SEPARATORS.sub("", (typed or "").strip()).upper()
    return code if _VALID.fullmatch(code) else ""


def grouped(code: str) -> str:
    """``ABCDEFGH`` -> ``ABCD EFGH``: read and typed in two groups of four."""
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def groups(code: str) -> list[str]:
    return [code[i : i + GROUP] for i in range(0, len(code), GROUP)]


def lookup_hash(kind: str, value: str) -> str:
    """The keyed hash stored to find a card by its code or token (64 hex characters)."""
    return salted_hmac(f"tisser.learners.lookup.{kind}", value, algorithm="sha256").hexdigest()


def code_hash(code: str) -> str:
    return lookup_hash("code", code)


def token_hash(token: str) -> str:
    return lookup_hash("token", token)
