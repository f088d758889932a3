"""Name normalisation shared by search and duplicate detection.

"Müller-Schmitt", "MULLER schmitt" and "muller  Schmitt" all become "muller schmitt": accents
and case are dropped, hyphens, apostrophes and dots become spaces, spaces are collapsed.
German umlauts are folded the simple way (ü -> u), which is how French forms usually spell them.
"""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’.,_/]+")
_NOT_LETTER = re.compile(r"[^a-z0-9 ]")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "oe", "Æ": "ae"})


def normalize_name(text: str) -> str:
    text = (text or "").translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    lowered = _SEPARATORS.sub(" ", without_accents.lower())
    return _NOT_LETTER.sub("", lowered).strip()


def search_key(first_name: str, last_name: str) -> str:
    """The stored key: normalised last name, then first name ("muller anna")."""
    return f"{normalize_name(last_name)} {normalize_name(first_name)}".strip()


def name_tokens(first_name: str, last_name: str) -> set[str]:
    """Every word of both names, order-free, so swapped first and last names still match."""
    return set(normalize_name(f"{first_name} {last_name}").split())
