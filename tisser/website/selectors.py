"""Public reads: only active sites, only what a site publishes about itself."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tisser.accounts import geo
from tisser.accounts.models import Closure, OpeningHours, Site
from tisser.accounts.places import Place

# The staff home shows the same figures: they belong to accounts, the website re-exports them.
from tisser.accounts.selectors import public_network_figures  # noqa: F401
from tisser.core.holidays import holiday_name

# A visitor plans a few weeks ahead: the next closures, and public holidays that fall on an
# opening day within two months.
UPCOMING_CLOSURES = 5
HOLIDAY_HORIZON_DAYS = 60


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


@dataclass(frozen=True)
class PublicClosure:
    starts_on: datetime.date
    ends_on: datetime.date
    why: str


def public_upcoming_closures(site: Site, *, today: datetime.date) -> list[PublicClosure]:
    """The site's coming exceptional closures and the public holidays on its opening days
    (one query; the opening hours come prefetched by ``public_site``), in date order."""
    closures = [
        PublicClosure(closure.starts_on, closure.ends_on, closure.get_reason_display().lower())
        for closure in Closure.objects.filter(site=site, ends_on__gte=today).order_by(
            "starts_on", "pk"
        )[:UPCOMING_CLOSURES]
    ]
    open_weekdays = {slot.weekday for slot in site.opening_hours.all()}
    for offset in range(HOLIDAY_HORIZON_DAYS):
        day = today + datetime.timedelta(days=offset)
        name = holiday_name(day, postal_code=site.postal_code)
        if name and day.weekday() in open_weekdays:
            covered = any(c.starts_on <= day <= c.ends_on for c in closures)
            if not covered:
                why = _("%(holiday)s, jour férié") % {"holiday": name}
                closures.append(PublicClosure(day, day, why))
    return sorted(closures, key=lambda closure: closure.starts_on)
