"""Public reads: only active sites, only what a site publishes about itself."""

from django.db.models import Prefetch

from tisser.accounts import geo
from tisser.accounts.models import OpeningHours, Site
from tisser.accounts.places import Place

# The staff home shows the same figures: they belong to accounts, the website re-exports them.
from tisser.accounts.selectors import public_network_figures  # noqa: F401


def public_site_list(*, city: str = ""):
    """Active sites with their opening hours (two queries whatever the number of sites)."""
    queryset = (
        Site.objects.active()
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
        )
        .order_by("city", "name")
    )
    if city:
        queryset = queryset.filter(city=city)
    return queryset


def public_site(*, short_code: str) -> Site:
    return public_site_list().get(short_code=short_code.upper())


def public_sites_near(place: Place) -> list[Site]:
    """Active sites, nearest to ``place`` first (two queries whatever the number of sites).

    The distance is computed in Python (decision 0032): a network has at most a few hundred
    sites. Each site carries ``distance_km`` (None when it cannot be placed: it comes last).
    At equal distance, a site in the visitor's own postal code comes first.
    """
    sites = list(public_site_list())
    for site in sites:
        position = geo.site_position(site)
        site.distance_km = (  # type: ignore[attr-defined]
            geo.haversine_km(place.position, position) if position is not None else None
        )
    sites.sort(
        key=lambda site: (
            site.postal_code != place.postal_code,
            site.distance_km is None,  # type: ignore[attr-defined]
            site.distance_km or 0.0,  # type: ignore[attr-defined]
            site.name,
            site.pk,
        )
    )
    return sites
