"""The network's sites in the national places standard, v1.0.2 (reference-lists §2.1).

« Lieux de médiation numérique » (LaMednum/standard-mediation-num, Table Schema,
Licence Ouverte 2.0): one CSV line per site, the columns in the schema's order, comma
separated, ISO dates, several values of one cell joined by ``|``. Only what Tisser knows
truthfully is filled; the other columns stay empty. A site without a SIRET cannot have the
required « pivot »: it is left out of the file and the staff page says which ones.

Written through ``tisser.core.exports`` (formula cells neutralised) with its standard
dialect; the same rows are ready for the national API later.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from tisser.accounts import places as communes
from tisser.accounts.enums import PlaceService
from tisser.accounts.models import OpeningHours, Organisation, Site
from tisser.core.exports import STANDARD_CSV, csv_response
from tisser.core.phones import normalize_phone

VERSION = "1.0.2"
COLUMNS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
)
SEPARATOR = "|"
SUMMARY_MAX = 280
# OpenStreetMap's opening_hours day codes, Monday first (accounts.enums.Weekday).
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# The standard's telephone pattern: +33 and the number without its first zero.
FRENCH_PREFIX = "+33"


def sites(network: Organisation) -> QuerySet[Site]:
    """The network's active sites, the opening hours prefetched (one query each)."""
    return (
        Site.objects.filter(network=network, is_active=True)
        .prefetch_related("opening_hours")
        .order_by("short_code")
    )


def missing_pivot(network: Organisation) -> list[Site]:
    """The active sites left out of the file: no SIRET yet."""
    return [site for site in sites(network) if not site.siret]


def osm_hours(slots: Sequence[OpeningHours]) -> str:
    """Opening hours in OpenStreetMap's format, consecutive days with the same hours joined:
    ``Mo-Fr 09:30-12:30,13:30-17:30; Sa 09:30-12:30``."""
    by_day: dict[int, str] = {}
    for slot in sorted(slots, key=lambda slot: (slot.weekday, slot.opens_at)):
        span = f"{slot.opens_at:%H:%M}-{slot.closes_at:%H:%M}"
        by_day[slot.weekday] = f"{by_day[slot.weekday]},{span}" if slot.weekday in by_day else span
    rules: list[str] = []
    run: list[int] = []
    for day in range(len(OSM_DAYS)):
        if run and (day not in by_day or by_day[day] != by_day[run[0]]):
            rules.append(_rule(run, by_day[run[0]]))
            run = []
        if day in by_day:
            run.append(day)
    if run:
        rules.append(_rule(run, by_day[run[0]]))
    return "; ".join(rules)


def _rule(days: list[int], hours: str) -> str:
    first, last = OSM_DAYS[days[0]], OSM_DAYS[days[-1]]
    return f"{first} {hours}" if len(days) == 1 else f"{first}-{last} {hours}"


def phone(raw: str) -> str:
    """The site's phone in the standard's form (+33XXXXXXXXX), empty when not French."""
    try:
        e164 = normalize_phone(raw)
    except ValidationError:
        return ""
    return e164 if e164.startswith(FRENCH_PREFIX) else ""


def insee_code(site: Site) -> str:
    """The commune's INSEE code when the postal code and the commune's name name exactly one
    commune in the postal table (empty otherwise: never guessed)."""
    wanted = communes.search_key(site.city)
    found = {
        place.insee_code
        for place in communes.table().by_postal_code.get(site.postal_code, ())
        if communes.search_key(place.name) == wanted
    }
    return found.pop() if len(found) == 1 else ""


def _coordinate(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _access(site: Site, slots: Sequence[OpeningHours]) -> str:
    ways = []
    if slots:
        ways.append("Se présenter")
    if site.phone:
        ways.append("Téléphoner")
    if site.email:
        ways.append("Contacter par mail")
    return SEPARATOR.join(ways)


def row(site: Site, *, network: Organisation, base_url: str) -> dict[str, str]:
    """One site as the standard's columns (empty text for what Tisser does not know)."""
    slots = list(site.opening_hours.all())
    description = " ".join(site.description.split())
    chosen = set(site.services)
    values = {
        "id": site.short_code,
        "pivot": site.siret,
        "nom": site.name,
        "commune": site.city,
        "code_postal": site.postal_code,
        "code_insee": insee_code(site),
        "adresse": site.address,
        "latitude": _coordinate(site.latitude),
        "longitude": _coordinate(site.longitude),
        "telephone": phone(site.phone),
        "courriels": site.email,
        "site_web": base_url.rstrip("/") + site.get_absolute_url(),
        "horaires": osm_hours(slots),
        "presentation_resume": description if len(description) <= SUMMARY_MAX else "",
        "presentation_detail": description,
        "source": network.name,
        "itinerance": "Fixe",
        "date_maj": timezone.localdate(site.updated_at).isoformat(),
        # The standard's labels, in its order.
        "services": SEPARATOR.join(code for code in PlaceService.values if code in chosen),
        "modalites_acces": _access(site, slots),
    }
    return {column: values.get(column, "") for column in COLUMNS}


def rows(network: Organisation, *, base_url: str) -> Iterator[list[str]]:
    """The file's lines after the header: the active sites that have a SIRET."""
    for site in sites(network):
        if site.siret:
            found = row(site, network=network, base_url=base_url)
            yield [found[column] for column in COLUMNS]


def filename() -> str:
    return f"lieux-mediation-numerique-{VERSION}.csv"


def download(network: Organisation) -> StreamingHttpResponse:
    """The file as a download (the public page and the staff page both serve it)."""
    return csv_response(
        filename=filename(),
        header=COLUMNS,
        rows=rows(network, base_url=settings.PUBLIC_BASE_URL or ""),
        dialect=STANDARD_CSV,
    )
