"""French postal codes and communes on the map, from a table shipped with the code.

``data/postal_places.csv.gz`` (built by ``scripts/build_postal_places.py``; sources,
licences and precision in ``data/README.md`` and decision 0032) lists every commune of
metropolitan France that could be placed, once per postal code, with a point: its own
(GeoNames, ``precision=commune``) or, failing that, that of the main commune of its postal
code (``precision=postal``). Within a postal code the first row is its main commune, whose
point stands for the code. Nothing is fetched at run time.
"""

import csv
import gzip
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "postal_places.csv.gz"
POSTAL_CODE_IN_TEXT = re.compile(r"\b(\d{5})\b")
# How a visitor abbreviates the start of a commune's name.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
MAX_CHOICES = 10


@dataclass(frozen=True)
class Place:
    postal_code: str
    insee_code: str
    name: str
    latitude: float
    longitude: float

    @property
    def position(self) -> tuple[float, float]:
        return self.latitude, self.longitude

    @property
    def label(self) -> str:
        return f"{self.name} ({self.postal_code})"


def search_key(text: str) -> str:
    """ "Saint-Étienne", "st etienne" and "ST-ETIENNE" all give "saint etienne"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", ascii_text).split()
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


@dataclass(frozen=True)
class Table:
    places: tuple[Place, ...]
    by_postal_code: dict[str, tuple[Place, ...]]
    by_key: dict[str, tuple[Place, ...]]


@cache
def table() -> Table:
    """The whole table, read once per process (~28,000 rows, a few megabytes in memory)."""
    with gzip.open(DATA_FILE, "rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        places = tuple(
            Place(
                postal_code=row["postal_code"],
                insee_code=row["insee_code"],
                name=row["name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in reader
        )
    by_postal_code: dict[str, list[Place]] = {}
    by_key: dict[str, list[Place]] = {}
    for place in places:
        by_postal_code.setdefault(place.postal_code, []).append(place)
        by_key.setdefault(search_key(place.name), []).append(place)
    return Table(
        places=places,
        by_postal_code={code: tuple(rows) for code, rows in by_postal_code.items()},
        by_key={key: tuple(rows) for key, rows in by_key.items()},
    )


def postal_code_place(postal_code: str) -> Place | None:
    """The main commune of a postal code (its point stands for the code), or None."""
    rows = table().by_postal_code.get((postal_code or "").strip())
    return rows[0] if rows else None


def _one_per_commune(places) -> list[Place]:
    """A commune with several postal codes is offered once, under its first code."""
    seen: set[str] = set()
    unique = []
    for place in sorted(places, key=lambda place: (place.postal_code, place.name)):
        if place.insee_code not in seen:
            seen.add(place.insee_code)
            unique.append(place)
    return unique


def find_places(query: str) -> list[Place]:
    """The places a visitor may mean by ``query``: a postal code, a commune name, or both.

    "75018" gives its main commune; "saint denis" every Saint-Denis (to choose from);
    "Saint-Denis 93200" the one in that postal code. A name matches exactly first, then as
    the start of a name ("paris 18" finds "Paris 18e Arrondissement"). At most
    ``MAX_CHOICES`` places; an empty list when nothing matches.
    """
    text = (query or "").strip()
    code_match = POSTAL_CODE_IN_TEXT.search(text)
    code = code_match[1] if code_match else ""
    key = search_key(POSTAL_CODE_IN_TEXT.sub(" ", text))
    data = table()
    if code and not key:
        place = postal_code_place(code)
        return [place] if place else []
    if not key:
        return []
    if code:
        in_code = data.by_postal_code.get(code, ())
        return [place for place in in_code if search_key(place.name) == key][:1]
    exact = data.by_key.get(key, ())
    if exact:
        return _one_per_commune(exact)[:MAX_CHOICES]
    # Two letters would match half of France: below three, only whole words count.
    prefix = key if len(key) >= 3 else key + " "
    starting = [
        place
        for name_key, rows in data.by_key.items()
        if name_key.startswith(prefix)
        for place in rows
    ]
    return _one_per_commune(starting)[:MAX_CHOICES]
