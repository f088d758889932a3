"""Checking the rows of a list: each becomes referral fields, or French problems by column.

``parse_file`` reads the whole file (see :mod:`.reading`), checks every row, gives each
person an ``import_key`` (their identity in the sending organisation's lists) and marks the
rows that repeat an earlier one. It writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tisser.accounts.validators import validate_postal_code
from tisser.beneficiaries.enums import ContactChannel, SocialStatus
from tisser.core import clock
from tisser.core.names import normalize_name
from tisser.core.phones import is_mobile, normalize_phone
from tisser.core.validators import reject_nir
from tisser.referrals.enums import Need
from tisser.referrals.imports.reading import ImportFileError, columns, open_records

MAX_ROWS = 20_000
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux"}
NEED_WORDS = {
    "connexion": Need.CONNECTION,
    "connection": Need.CONNECTION,
    "internet": Need.CONNECTION,
    "equipement": Need.EQUIPMENT,
    "materiel": Need.EQUIPMENT,
    "equipment": Need.EQUIPMENT,
    "competences": Need.SKILLS,
    "apprendre": Need.SKILLS,
    "formation": Need.SKILLS,
    "skills": Need.SKILLS,
    "demarches": Need.ONLINE_PROCEDURES,
    "demarches en ligne": Need.ONLINE_PROCEDURES,
    "online procedures": Need.ONLINE_PROCEDURES,
}
NEED_SEPARATORS = re.compile(r"[,;|/+]")
DATE_FR = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
YEAR = re.compile(r"^\d{4}$")


@dataclass
class ParsedRow:
    number: int  # the row number a person sees in their spreadsheet (the header is row 1)
    data: dict[str, Any]
    import_key: str = ""
    site_id: int | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    duplicate_of: int | None = None


@dataclass
class ParsedFile:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value or "").split())


def _birth_year(cells: dict[str, Any], problems: list, today: datetime.date) -> int | None:
    raw_year = _text(cells.get("annee_naissance"))
    raw_date = cells.get("date_naissance")
    if raw_year:
        if not YEAR.match(raw_year):
            problems.append(
                (
                    "annee_naissance",
                    _("Écrivez l'année de naissance en 4 chiffres, par exemple 1985."),
                )
            )
            return None
        year = int(raw_year)
        column = "annee_naissance"
    elif raw_date:
        column = "date_naissance"
        born = _parse_date(raw_date)
        if born is None:
            problems.append(
                (
                    column,
                    _(
                        "Date de naissance illisible « %(value)s » : écrivez-la jj/mm/aaaa, "
                        "par exemple 04/09/1985."
                    )
                    % {"value": _text(raw_date)[:30]},
                )
            )
            return None
        if born > today:
            problems.append((column, _("La date de naissance est dans le futur.")))
            return None
        year = born.year
    else:
        return None
    if not 1900 <= year <= today.year:
        problems.append(
            (
                column,
                _("L'année de naissance doit être entre 1900 et %(year)s.") % {"year": today.year},
            )
        )
        return None
    return year


def _parse_date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw)
    match = DATE_FR.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = DATE_ISO.match(text)
        if not match:
            return None
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _needs(raw: str, problems: list) -> list[str]:
    codes: list[str] = []
    labels = {normalize_name(str(label)): code for code, label in Need.choices}
    for token in NEED_SEPARATORS.split(raw):
        word = normalize_name(token)
        if not word:
            continue
        code = NEED_WORDS.get(word) or labels.get(word) or (word if word in Need.values else None)
        if code is None:
            problems.append(
                (
                    "besoins",
                    _("Besoin inconnu « %(value)s ». Valeurs possibles : %(choices)s.")
                    % {
                        "value": token.strip()[:40],
                        "choices": "connexion, equipement, competences, demarches",
                    },
                )
            )
        elif str(code) not in codes:
            codes.append(str(code))
    return codes


def check_row(cells: dict[str, Any], *, today: datetime.date) -> tuple[dict[str, Any], list]:
    """The referral fields of one row, and its problems as (column, French message)."""
    problems: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    for column, name, limit in (("prenom", "first_name", 100), ("nom", "last_name", 100)):
        value = _text(cells.get(column))
        if not value:
            problems.append((column, _("Ce champ est obligatoire.")))
        elif len(value) > limit:
            problems.append(
                (column, _("Trop long : %(limit)s caractères au plus.") % {"limit": limit})
            )
        data[name] = value
    data["birth_year"] = _birth_year(cells, problems, today)

    phone = ""
    raw_phone = _text(cells.get("telephone"))
    if raw_phone:
        try:
            phone = normalize_phone(raw_phone)
        except ValidationError as error:
            problems.append(("telephone", " ".join(error.messages)))
    email = _text(cells.get("email")).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(("email", _("Cette adresse e-mail n'est pas valide.")))
            email = ""
    if not raw_phone and not email:
        problems.append(
            ("telephone", _("Indiquez un téléphone ou un e-mail pour joindre la personne."))
        )
    data["phone"], data["email"] = phone, email
    if phone and is_mobile(phone):
        data["preferred_channel"] = ContactChannel.SMS
    elif phone:
        data["preferred_channel"] = ContactChannel.CALL
    else:
        data["preferred_channel"] = ContactChannel.EMAIL

    postal_code = _text(cells.get("code_postal")).replace(" ", "")
    if postal_code.isdigit() and len(postal_code) == 4:
        postal_code = "0" + postal_code  # Excel drops the leading zero of 01000
    try:
        validate_postal_code(postal_code)
    except ValidationError as error:
        problems.append(("code_postal", " ".join(error.messages)))
    data["postal_code"] = postal_code
    commune = _text(cells.get("commune"))
    if len(commune) > 120:
        problems.append(
            ("commune", _("Trop long : %(limit)s caractères au plus.") % {"limit": 120})
        )
    data["commune"] = commune

    jobseeker = normalize_name(_text(cells.get("demandeur_emploi")))
    if not jobseeker:
        data["is_jobseeker"] = None
    elif jobseeker in YES:
        data["is_jobseeker"] = True
    elif jobseeker in NO:
        data["is_jobseeker"] = False
    else:
        problems.append(("demandeur_emploi", _("Répondez « oui » ou « non », ou laissez vide.")))
        data["is_jobseeker"] = None
    data["social_status"] = (
        SocialStatus.SANS_EMPLOI if data["is_jobseeker"] else SocialStatus.NON_COMMUNIQUE
    )
    data["needs"] = _needs(_text(cells.get("besoins")), problems)

    for column, name in (("prenom", "first_name"), ("nom", "last_name"), ("commune", "commune")):
        try:
            reject_nir(data[name])
        except ValidationError as error:
            problems.append((column, " ".join(error.messages)))
    return data, problems


def import_key(organisation_id: int, data: dict[str, Any]) -> str:
    """The identity of one person in one organisation's lists (names normalised)."""
    identity = "|".join(
        [
            str(organisation_id),
            normalize_name(data["last_name"]),
            normalize_name(data["first_name"]),
            str(data["birth_year"] or ""),
            data["phone"],
            data["email"],
        ]
    )
    return hashlib.sha256(identity.encode()).hexdigest()


def parse_file(
    content: bytes, *, organisation_id: int, today: datetime.date | None = None
) -> ParsedFile:
    """Read and check every row. Raises ImportFileError when the file cannot be used at all."""
    today = today or clock.localdate()
    opened = open_records(content)
    parsed = ParsedFile(kind=opened.kind, encoding=opened.encoding, delimiter=opened.delimiter)
    records = opened.records

    positions: dict[str, int] | None = None
    seen: dict[str, int] = {}
    for number, record_ in enumerate(records, start=1):
        if not any(_text(value) for value in record_):
            continue  # empty lines are skipped
        if positions is None:
            positions, parsed.ignored_columns = columns(record_)
            continue
        if len(parsed.rows) >= MAX_ROWS:
            raise ImportFileError(
                _("Le fichier compte plus de %(max)s lignes : découpez-le en plusieurs fichiers.")
                % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
            )
        cells = {
            column: record_[index] if index < len(record_) else ""
            for column, index in positions.items()
        }
        data, problems = check_row(cells, today=today)
        row = ParsedRow(number=number, data=data, problems=problems)
        if not problems:
            row.import_key = import_key(organisation_id, data)
            row.duplicate_of = seen.setdefault(row.import_key, number)
            if row.duplicate_of == number:
                row.duplicate_of = None
        parsed.rows.append(row)
    if positions is None:
        raise ImportFileError(_("Le fichier est vide."))
    if not parsed.rows:
        raise ImportFileError(
            _("Le fichier ne contient aucune personne : seulement les titres des colonnes.")
        )
    return parsed
