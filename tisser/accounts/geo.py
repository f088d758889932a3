"""The nearest spaces to a postal code, without any network access.

A postal code is placed at its main commune (``places.py``: a table of postal codes and
communes shipped with the code, decision 0032) or, for the few codes that table cannot
place (overseas, some rural codes), at the préfecture of its département (another table
shipped with the code, ``data/departements.csv``: the 96 départements of metropolitan
France, Corsica split into 2A and 2B, and the 5 overseas départements). Each active site is placed at its own
coordinates or, when it has none, at the préfecture of its own postal code's département;
the spaces are then sorted by great-circle distance. Sites in the very same postal code come
first, and a site that cannot be placed at all comes last.

The precision is that of a commune (a few kilometres) or, in the fallback, of a département
(tens of kilometres): enough to suggest a space, never used to decide anything on its own.
"""

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tisser.accounts import places
from tisser.accounts.models import Site

DATA_FILE = Path(__file__).resolve().parent / "data" / "departements.csv"
POSTAL_CODE = re.compile(r"^\d{5}$")
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    prefecture: str
    latitude: float
    longitude: float


@cache
def departements() -> dict[str, Departement]:
    """The table, read once per process."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Departement(
                code=row["code"],
                name=row["name"],
                prefecture=row["prefecture"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(handle)
        }


def departement_code(postal_code: str) -> str | None:
    """The département of a French postal code, or None when it is not one we know.

    Corsica: 200xx and 201xx are Corse-du-Sud (2A), 202xx to 206xx Haute-Corse (2B).
    Overseas: 971xx to 976xx are départements 971 to 976 (975, Saint-Pierre-et-Miquelon,
    is a collectivité and is not in the table).
    """
    code = (postal_code or "").strip()
    if not POSTAL_CODE.match(code):
        return None
    if code.startswith("20"):
        candidate = "2A" if code[2] in "01" else "2B"
    elif code.startswith("97"):
        candidate = code[:3]
    else:
        candidate = code[:2]
    return candidate if candidate in departements() else None


def postal_code_position(postal_code: str) -> tuple[float, float] | None:
    code = departement_code(postal_code)
    if code is None:
        return None
    place = places.postal_code_place(postal_code.strip())
    if place is not None:
        return place.position
    departement = departements()[code]
    return departement.latitude, departement.longitude


def departement_place(postal_code: str) -> places.Place | None:
    """A postal code the commune table lacks (overseas, cedex), placed at its préfecture."""
    code = departement_code(postal_code)
    if code is None:
        return None
    departement = departements()[code]
    return places.Place(
        postal_code=postal_code.strip(),
        insee_code="",
        name=departement.name,
        latitude=departement.latitude,
        longitude=departement.longitude,
    )


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def site_position(site: Site) -> tuple[float, float] | None:
    if site.latitude is not None and site.longitude is not None:
        return float(site.latitude), float(site.longitude)
    return postal_code_position(site.postal_code)


def nearest_sites(postal_code: str, *, network=None, limit: int | None = 3) -> list[Site]:
    """Active sites, nearest first, for a person living at ``postal_code`` (one query).

    An invalid or unknown postal code gives an empty list. ``network`` (an Organisation of
    kind network, or its id) narrows to one network; ``limit=None`` returns every site.
    Each site carries ``distance_km`` (from the département's préfecture, or None).
    """
    if postal_code_position(postal_code) is None:
        return []
    return rank_sites(postal_code, candidate_sites(network=network), limit=limit)


def candidate_sites(*, network=None):
    """The active sites that ``rank_sites`` may suggest (only the fields it needs)."""
    sites = Site.objects.active().only(
        "pk", "name", "short_code", "address", "postal_code", "city", "latitude", "longitude"
    )
    if network is not None:
        sites = sites.filter(network=network)
    return sites


def rank_sites(postal_code: str, sites: Iterable[Site], *, limit: int | None = 3) -> list[Site]:
    """Sort already loaded sites for ``postal_code`` (no query: for callers ranking many codes)."""
    origin = postal_code_position(postal_code)
    if origin is None:
        return []
    code = postal_code.strip()
    ranked = []
    for site in sites:
        position = site_position(site)
        # Shown next to a suggestion ("à 12 km environ"); None when the site cannot be placed.
        site.distance_km = (  # type: ignore[attr-defined]
            haversine_km(origin, position) if position is not None else None
        )
        ranked.append(site)
    ranked.sort(
        key=lambda site: (
            site.postal_code != code,
            site.distance_km is None,  # type: ignore[attr-defined]
            site.distance_km or 0.0,  # type: ignore[attr-defined]
            site.name,
            site.pk,
        )
    )
    return ranked if limit is None else ranked[:limit]
