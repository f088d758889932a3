"""Importing a list of people to refer (CSV or XLSX): read, check, preview, then confirm.

1. ``import_prepare`` reads the uploaded file (checked by its content, not its name), finds
   the columns by their French headers, checks every row and writes the parsed rows to a
   temporary file under ``var/imports/`` (see docs/decisions/0007-imports.md). It records
   an unconfirmed :class:`ImportBatch`; nothing else is written.
2. ``import_preview`` rereads that temporary file and says, row by row, what would happen:
   created, already imported (skipped), a duplicate of an earlier row (skipped), or a
   problem (row number, column, French message).
3. ``import_confirm`` creates every referral at once — or nothing: one row with a problem
   blocks the whole file. The same file confirmed twice creates nothing the second time
   (``ImportBatch.file_sha256``), and each row carries an ``import_key`` (unique in the
   database) so that a person already imported by the organisation is never imported again.

The referrals go straight to "submitted" (or "moderation pending" for a partner whose
habilitation is not validated yet), each with its history row and journal entry, written
in bulk so that 10,000 rows take seconds.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import json
import os
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts import geo
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.accounts.validators import validate_postal_code
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, ContactChannel, SocialStatus
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.models import JournalEntry
from tisser.core.names import normalize_name, search_key
from tisser.core.phones import is_mobile, normalize_phone
from tisser.core.validators import reject_nir
from tisser.referrals.enums import Need, ReferralSource, ReferralStatus
from tisser.referrals.models import ImportBatch, Referral, ReferralEvent
from tisser.referrals.transitions import TRUSTED_HABILITATIONS

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK_SIZE = 1000
STORED_FOR = datetime.timedelta(days=1)
STORE_VERSION = 1
IMPORT_ROLES = (Role.PARTNER_REFERRER, Role.SITE_MANAGER, Role.MEDIATOR)
SITE_TEAM_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)

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


class ImportFileError(DomainError):
    """The file as a whole cannot be read; nothing was imported."""


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


# --- reading the file -----------------------------------------------------------------------


def header_key(text: str) -> str:
    """ "Année de naissance" -> "annee_de_naissance" (accents, case and punctuation dropped)."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _sniff_kind(content: bytes) -> str:
    """ "xlsx" or "csv" from the bytes themselves; any other file is refused in French."""
    if not content.strip():
        raise ImportFileError(_("Le fichier est vide."))
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                _("Ce fichier .xlsx est abîmé : il ne peut pas être lu.")
            ) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            raise ImportFileError(
                _(
                    "Les fichiers LibreOffice (.ods) ne sont pas acceptés : enregistrez la liste "
                    "au format .xlsx ou .csv."
                )
            )
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "Les anciens fichiers Excel (.xls) ne sont pas acceptés : enregistrez la liste "
                "au format .xlsx ou .csv."
            )
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in content[:65536] or content.startswith(b"%PDF"):
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    return "csv"


def decode_text(content: bytes) -> tuple[str, str]:
    """The text and a French name of its encoding: UTF-8 (with or without BOM), else Latin-1."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("L'encodage de ce fichier n'a pas pu être lu.")) from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        return text, "UTF-8 avec BOM" if content.startswith(codecs.BOM_UTF8) else "UTF-8"
    try:
        return content.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "ISO-8859-1 (Latin-1)"


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\r\n")
    return bool(sample) and controls > len(sample) / 100


def _delimiter(text: str) -> str:
    """Semicolon (French Excel), comma or tab: csv.Sniffer on the first lines, checked
    against the header line (the sniffer alone can be misled by commas inside values)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0] if lines else ""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = ""
    counts = {candidate: header.count(candidate) for candidate in ";,\t"}
    if sniffed and counts.get(sniffed):
        return sniffed
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _csv_records(content: bytes) -> tuple[Iterator[list[Any]], str, str]:
    text, encoding = decode_text(content)
    if _looks_binary(text):
        raise ImportFileError(_("Ce fichier n'est ni un fichier CSV ni un tableur Excel (.xlsx)."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records():
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportFileError(
                _(
                    "Le fichier CSV est mal formé près de la ligne %(line)s : vérifiez les "
                    "guillemets autour des valeurs."
                )
                % {"line": reader.line_num}
            ) from exc

    return records(), encoding, delimiter


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | str):
        return value
    return str(value)


def _xlsx_records(content: bytes) -> Iterator[list[Any]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (
        InvalidFileException,
        zipfile.BadZipFile,
        ParseError,
        KeyError,
        ValueError,
        IndexError,
        TypeError,
        OSError,
    )
    broken = _("Ce fichier .xlsx est abîmé : il ne peut pas être lu.")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except unreadable as exc:
        raise ImportFileError(broken) from exc

    def records():
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_xlsx_value(value) for value in row]
        except unreadable as exc:
            raise ImportFileError(broken) from exc
        finally:
            workbook.close()

    return records()


def _columns(header: list[Any]) -> tuple[dict[str, int], list[str]]:
    """Map canonical column names to positions; refuse missing or repeated columns."""
    positions: dict[str, int] = {}
    ignored = []
    for index, raw in enumerate(header):
        label = str(raw or "").strip()
        if not label:
            continue
        canonical = HEADER_ALIASES.get(header_key(label))
        if canonical is None:
            ignored.append(label)
            continue
        if canonical in positions:
            raise ImportFileError(
                _("La colonne « %(column)s » apparaît deux fois : gardez-en une seule.")
                % {"column": canonical}
            )
        positions[canonical] = index
    missing = [
        " ou ".join(group)
        for group in REQUIRED_COLUMNS
        if not any(column in positions for column in group)
    ]
    if missing:
        raise ImportFileError(
            _(
                "Il manque des colonnes : %(missing)s. La première ligne du fichier doit "
                "nommer les colonnes : %(expected)s."
            )
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    return positions, ignored


# --- checking one row -----------------------------------------------------------------------


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
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Le fichier dépasse 5 Mo : découpez la liste en plusieurs fichiers.")
        )
    kind = _sniff_kind(content)
    parsed = ParsedFile(kind=kind)
    if kind == "xlsx":
        records: Iterable[list[Any]] = _xlsx_records(content)
    else:
        records, parsed.encoding, parsed.delimiter = _csv_records(content)

    positions: dict[str, int] | None = None
    seen: dict[str, int] = {}
    for number, record_ in enumerate(records, start=1):
        if not any(_text(value) for value in record_):
            continue  # empty lines are skipped
        if positions is None:
            positions, parsed.ignored_columns = _columns(record_)
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


# --- who imports, and to which space ----------------------------------------------------------


def _check_importer(actor: Membership | None) -> None:
    if actor is None or not actor.is_active or actor.role not in IMPORT_ROLES:
        raise DomainError(_("Votre rôle ne permet pas d'importer une liste."))


def import_target_sites(actor: Membership):
    """The spaces a list may be sent to: the network's open spaces (partner), or one's own."""
    if actor.role in SITE_TEAM_ROLES:
        return Site.objects.active().filter(pk=actor.organisation_id)
    network_id = actor.organisation.network_id
    return Site.objects.active().filter(network_id=network_id).order_by("city", "name")


def _assign_sites(parsed: ParsedFile, *, actor: Membership, site: Site | None) -> Site | None:
    """Give each row its target space; returns the one space for the whole file, if any."""
    if actor.role in SITE_TEAM_ROLES:
        site = Site.objects.active().filter(pk=actor.organisation_id).first()
        if site is None:
            raise DomainError(_("Votre espace est fermé : il ne peut pas recevoir de liste."))
    if site is not None:
        if not import_target_sites(actor).filter(pk=site.pk).exists():
            raise DomainError(_("Choisissez un espace ouvert du réseau."))
        for row in parsed.rows:
            row.site_id = site.pk
        return site
    candidates = list(geo.candidate_sites(network=actor.organisation.network_id))
    nearest: dict[str, int | None] = {}
    for row in parsed.rows:
        code = row.data["postal_code"]
        if any(column == "code_postal" for column, _message in row.problems):
            continue
        if code not in nearest:
            ranked = geo.rank_sites(code, candidates, limit=1)
            nearest[code] = ranked[0].pk if ranked else None
        row.site_id = nearest[code]
        if row.site_id is None:
            row.problems.append(
                (
                    "code_postal",
                    _(
                        "Aucun espace du réseau n'a été trouvé pour ce code postal : choisissez un espace pour tout le fichier."
                    ),
                )
            )
            row.import_key, row.duplicate_of = "", None
    return None


# --- the temporary file ---------------------------------------------------------------------


def imports_dir() -> Path:
    return Path(getattr(settings, "IMPORTS_DIR", settings.VAR_DIR / "imports"))


def stored_path(batch: ImportBatch) -> Path:
    return imports_dir() / f"{batch.organisation_id}-{batch.file_sha256}.json"


def _store(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, path)


def _load(batch: ImportBatch) -> dict:
    path = stored_path(batch)
    expired = DomainError(_("Cet aperçu a expiré (plus d'un jour) : déposez le fichier à nouveau."))
    if clock.now() - batch.updated_at > STORED_FOR:
        raise expired
    try:
        with path.open(encoding="utf-8") as handle:
            payload = json.load(handle)
    except FileNotFoundError as exc:
        raise expired from exc
    if payload.get("version") != STORE_VERSION or payload.get("batch") != batch.pk:
        raise expired
    return payload


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def purge_stale_files(*, now: datetime.datetime | None = None) -> int:
    """Remove the parsed lists left unconfirmed for more than a day. Returns how many."""
    now = now or clock.now()
    directory = imports_dir()
    if not directory.exists():
        return 0
    removed = 0
    limit = (now - STORED_FOR).timestamp()
    for path in directory.iterdir():
        if path.suffix in {".json", ".tmp"} and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# --- the services -----------------------------------------------------------------------------


def import_prepare(
    *, actor: Membership, file_name: str, content: bytes, site: Site | None = None
) -> ImportBatch:
    """Read and check an uploaded list; keep the parsed rows for the preview. Writes no referral."""
    _check_importer(actor)
    purge_stale_files()
    sha256 = hashlib.sha256(content).hexdigest()
    done = (
        ImportBatch.objects.filter(
            organisation_id=actor.organisation_id, file_sha256=sha256, confirmed_at__isnull=False
        )
        .order_by("confirmed_at")
        .first()
    )
    if done is not None:
        raise DomainError(
            _("Ce fichier a déjà été importé le %(date)s : rien n'a été créé une seconde fois.")
            % {"date": timezone.localtime(done.confirmed_at).strftime("%d/%m/%Y à %H:%M")}
        )
    parsed = parse_file(content, organisation_id=actor.organisation_id)
    site = _assign_sites(parsed, actor=actor, site=site)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .filter(
                organisation_id=actor.organisation_id,
                file_sha256=sha256,
                confirmed_at__isnull=True,
            )
            .first()
        ) or ImportBatch(organisation_id=actor.organisation_id, file_sha256=sha256)
        batch.uploaded_by = actor.user
        batch.file_name = Path(file_name or "liste").name[:255]
        batch.row_count = len(parsed.rows)
        batch.full_clean(exclude=["organisation", "uploaded_by"])
        batch.save()
        _store(
            stored_path(batch),
            {
                "version": STORE_VERSION,
                "batch": batch.pk,
                "kind": parsed.kind,
                "encoding": parsed.encoding,
                "delimiter": parsed.delimiter,
                "ignored_columns": parsed.ignored_columns,
                "single_site": site.pk if site is not None else None,
                "rows": [
                    {
                        "n": row.number,
                        "data": row.data,
                        "key": row.import_key,
                        "site": row.site_id,
                        "problems": row.problems,
                        "dup": row.duplicate_of,
                    }
                    for row in parsed.rows
                ],
            },
        )
        record(
            actor=actor.user,
            action="referral_import.prepared",
            obj=batch,
            payload={"rows": batch.row_count, "kind": parsed.kind},
        )
    return batch


@dataclass
class PreviewRow:
    number: int
    data: dict[str, Any]
    site_id: int | None
    problems: list[tuple[str, str]]
    state: str  # "create", "problem", "duplicate", "already"
    import_key: str = ""
    duplicate_of: int | None = None
    site_name: str = ""


@dataclass
class Preview:
    batch: ImportBatch
    kind: str
    encoding: str
    delimiter: str
    ignored_columns: list[str]
    rows: list[PreviewRow]
    sites: dict[int, str]

    @property
    def counts(self) -> Counter:
        return Counter(row.state for row in self.rows)

    @property
    def problem_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state == "problem"]

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return [
            (row.number, column, message)
            for row in self.problem_rows
            for column, message in row.problems
        ]

    @property
    def to_create(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.state == "create"]

    @property
    def per_site(self) -> list[tuple[str, int]]:
        counter = Counter(row.site_id for row in self.to_create if row.site_id is not None)
        return sorted(
            ((self.sites.get(pk, "?"), n) for pk, n in counter.items()),
            key=lambda item: (-item[1], item[0]),
        )


def _existing_keys(keys: list[str]) -> set[str]:
    existing: set[str] = set()
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        existing.update(
            Referral.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
        )
    return existing


def import_preview(*, batch: ImportBatch) -> Preview:
    """What confirming would do, row by row (reads the temporary file; writes nothing)."""
    if batch.confirmed_at is not None:
        raise DomainError(_("Cette liste est déjà importée."))
    payload = _load(batch)
    stored = payload["rows"]
    existing = _existing_keys([row["key"] for row in stored if row["key"]])
    site_ids = {row["site"] for row in stored if row["site"]}
    sites = dict(Site.objects.filter(pk__in=site_ids, is_active=True).values_list("pk", "name"))
    rows = []
    for row in stored:
        problems = [tuple(problem) for problem in row["problems"]]
        if row["site"] and row["site"] not in sites and not problems:
            problems.append(("code_postal", _("L'espace choisi pour cette ligne est fermé.")))
        if problems:
            state = "problem"
        elif row["key"] in existing:
            state = "already"
        elif row["dup"]:
            state = "duplicate"
        else:
            state = "create"
        rows.append(
            PreviewRow(
                number=row["n"],
                data=row["data"],
                site_id=row["site"],
                problems=problems,
                state=state,
                import_key=row["key"],
                duplicate_of=row["dup"],
                site_name=sites.get(row["site"], ""),
            )
        )
    return Preview(
        batch=batch,
        kind=payload["kind"],
        encoding=payload["encoding"],
        delimiter=payload["delimiter"],
        ignored_columns=payload["ignored_columns"],
        rows=rows,
        sites=sites,
    )


def _status_for(actor: Membership) -> str:
    if actor.role == Role.PARTNER_REFERRER:
        habilitation = Partner.objects.values_list("habilitation_status", flat=True).get(
            pk=actor.organisation_id
        )
        if habilitation not in TRUSTED_HABILITATIONS:
            return ReferralStatus.MODERATION_PENDING
    return ReferralStatus.SUBMITTED


def import_confirm(*, actor: Membership, batch: ImportBatch, notice_given: bool) -> ImportBatch:
    """Create every referral of the list, or none (a row with a problem blocks the file)."""
    _check_importer(actor)
    if not notice_given:
        raise DomainError(
            _(
                "Confirmez que les personnes de la liste ont reçu la notice d'information "
                "avant d'importer."
            )
        )
    now = clock.now()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.organisation_id != actor.organisation_id:
            raise DomainError(_("Votre rôle ne permet pas d'importer une liste."))
        if batch.confirmed_at is not None:
            raise DomainError(
                _("Cette liste est déjà importée : rien n'a été créé une seconde fois.")
            )
        already = ImportBatch.objects.filter(
            organisation_id=batch.organisation_id,
            file_sha256=batch.file_sha256,
            confirmed_at__isnull=False,
        ).exists()
        if already:
            raise DomainError(
                _("Ce fichier a déjà été importé : rien n'a été créé une seconde fois.")
            )
        preview = import_preview(batch=batch)
        blocked = preview.problem_rows
        if blocked:
            raise DomainError(
                _(
                    "%(count)s ligne(s) ont un problème : rien n'a été importé. Corrigez le "
                    "fichier, puis déposez-le à nouveau."
                )
                % {"count": len(blocked)}
            )
        rows = preview.to_create
        status = _status_for(actor)
        partner_id = actor.organisation_id if actor.role == Role.PARTNER_REFERRER else None
        referrer = actor.user if partner_id else None
        referrals = []
        for row in rows:
            assert row.site_id is not None  # rows without a space are problems
            referral = Referral(
                site_id=row.site_id,
                partner_id=partner_id,
                referrer=referrer,
                source=ReferralSource.IMPORT,
                status=status,
                status_changed_at=now,
                submitted_at=now if status == ReferralStatus.SUBMITTED else None,
                notice_version=CURRENT_NOTICE_VERSION,
                import_key=row.import_key,
                search_key=search_key(row.data["first_name"], row.data["last_name"]),
                **row.data,
            )
            try:
                referral.full_clean(
                    exclude=["site", "partner", "referrer", "beneficiary"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                raise DomainError(
                    _("Ligne %(row)s : %(error)s Rien n'a été importé.")
                    % {"row": row.number, "error": " ".join(error.messages)}
                ) from error
            referrals.append(referral)
        try:
            with transaction.atomic():
                created = _bulk_create(referrals, actor=actor, batch=batch, now=now)
        except IntegrityError as exc:
            raise DomainError(
                _(
                    "Une partie de cette liste vient d'être importée par ailleurs : rien n'a été "
                    "créé. Rechargez l'aperçu."
                )
            ) from exc
        batch.created_count = created
        batch.skipped_count = len(preview.rows) - created
        batch.confirmed_at = now
        batch.save(update_fields=["created_count", "skipped_count", "confirmed_at", "updated_at"])
        record(
            actor=actor.user,
            action="referral_import.confirmed",
            obj=batch,
            payload={
                "created": batch.created_count,
                "skipped": batch.skipped_count,
                "status": status,
            },
        )
        path = stored_path(batch)
        transaction.on_commit(lambda: _discard(path))
    return batch


def _bulk_create(referrals: list[Referral], *, actor: Membership, batch: ImportBatch, now) -> int:
    """Insert the referrals, their history rows and journal entries, 1,000 at a time."""
    note = _("Import de liste n° %(batch)s") % {"batch": batch.pk}
    for start in range(0, len(referrals), CHUNK_SIZE):
        chunk = Referral.objects.bulk_create(referrals[start : start + CHUNK_SIZE])
        ReferralEvent.objects.bulk_create(
            ReferralEvent(
                referral=referral,
                from_status=ReferralStatus.DRAFT,
                to_status=referral.status,
                actor=actor.user,
                at=now,
                note=note,
            )
            for referral in chunk
        )
        JournalEntry.objects.bulk_create(
            JournalEntry(
                actor=actor.user,
                created_at=now,
                action="referral.imported",
                object_type=Referral._meta.label_lower,
                object_id=str(referral.pk),
                site_id=referral.site_id,
                payload={"batch": batch.pk, "to": referral.status},
            )
            for referral in chunk
        )
    return len(referrals)


def import_list(*, actor: Membership):
    """The organisation's imports, newest first (for the imports page)."""
    return (
        ImportBatch.objects.visible_to(actor)
        .filter(organisation_id=actor.organisation_id)
        .select_related("uploaded_by")
        .order_by("-created_at", "-pk")
    )
