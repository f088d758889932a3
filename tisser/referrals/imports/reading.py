"""The columns of a list of people to refer; reading the file itself is shared
(:mod:`tisser.core.tabular`: kind from the bytes, encoding, delimiter, header aliases)."""

from __future__ import annotations

from typing import Any

from tisser.core.tabular import (
    MAX_FILE_BYTES,
    ImportFileError,
    Records,
    decode_text,
    header_key,
    open_records,
)
from tisser.core.tabular import columns as map_columns

__all__ = [
    "COLUMNS",
    "HEADER_ALIASES",
    "MAX_FILE_BYTES",
    "REQUIRED_COLUMNS",
    "ImportFileError",
    "Records",
    "columns",
    "decode_text",
    "header_key",
    "open_records",
]

# The columns, by their canonical French name, and the other headers people write for them.
COLUMNS = (
    "prenom",
    "nom",
    "annee_naissance",
    "date_naissance",
    "telephone",
    "email",
    "code_postal",
    "commune",
    "demandeur_emploi",
    "besoins",
)
HEADER_ALIASES = {
    "prenom": "prenom",
    "prenoms": "prenom",
    "first_name": "prenom",
    "nom": "nom",
    "nom_de_famille": "nom",
    "nom_d_usage": "nom",
    "last_name": "nom",
    "annee_naissance": "annee_naissance",
    "annee_de_naissance": "annee_naissance",
    "date_naissance": "date_naissance",
    "date_de_naissance": "date_naissance",
    "telephone": "telephone",
    "tel": "telephone",
    "portable": "telephone",
    "telephone_portable": "telephone",
    "numero_de_telephone": "telephone",
    "email": "email",
    "e_mail": "email",
    "mail": "email",
    "courriel": "email",
    "adresse_email": "email",
    "adresse_e_mail": "email",
    "code_postal": "code_postal",
    "cp": "code_postal",
    "commune": "commune",
    "ville": "commune",
    "demandeur_emploi": "demandeur_emploi",
    "demandeur_d_emploi": "demandeur_emploi",
    "besoins": "besoins",
    "besoin": "besoins",
}
# Required columns; a tuple means "one of these".
REQUIRED_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("prenom",),
    ("nom",),
    ("annee_naissance", "date_naissance"),
    ("telephone", "email"),
    ("code_postal",),
)


def columns(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    """Map the list's canonical column names to positions (missing or repeated: refused)."""
    return map_columns(header, aliases=HEADER_ALIASES, required=REQUIRED_COLUMNS, expected=COLUMNS)
