"""Public reads: only active sites, only what a site publishes about itself."""

from django.db.models import Prefetch

from tisser.accounts.models import OpeningHours, Site

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


def public_cities() -> list[str]:
    return list(Site.objects.active().order_by("city").values_list("city", flat=True).distinct())
