"""Links that open the visitor's own map app on a space: no map, no script from elsewhere.

A ``geo:`` URI (RFC 5870) opens the phone's map or GPS app; the OpenStreetMap link works
on any computer. Both are plain links built from the site's coordinates or, when it has
none, from its address: nothing is sent anywhere until the visitor taps one.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

OSM_BASE = "https://www.openstreetmap.org/"


@dataclass(frozen=True)
class Directions:
    geo_uri: str
    map_url: str


def site_directions(site) -> Directions:
    address = f"{site.address}, {site.postal_code} {site.city}"
    if site.latitude is not None and site.longitude is not None:
        lat, lon = f"{site.latitude:.6f}", f"{site.longitude:.6f}"
        # "?q=" puts a named pin on Android; the plain coordinates work everywhere else.
        label = quote(f"{lat},{lon}({site.name})", safe=",()")
        return Directions(
            geo_uri=f"geo:{lat},{lon}?q={label}",
            map_url=f"{OSM_BASE}?{urlencode({'mlat': lat, 'mlon': lon})}#map=18/{lat}/{lon}",
        )
    return Directions(
        geo_uri=f"geo:0,0?q={quote(address)}",
        map_url=f"{OSM_BASE}search?{urlencode({'query': address})}",
    )
