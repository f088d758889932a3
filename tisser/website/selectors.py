"""Public reads: only active sites, only what a site publishes about itself."""

from django.db.models import Count, Prefetch

from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import OpeningHours, Organisation, Site


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


def public_network_figures() -> dict:
    """The network's name and how many active spaces and cities it has (two queries)."""
    figures = Site.objects.active().aggregate(
        sites=Count("pk"), cities=Count("city", distinct=True)
    )
    network = (
        Organisation.objects.filter(kind=OrganisationKind.NETWORK, is_active=True)
        .order_by("pk")
        .only("name", "email", "phone")
        .first()
    )
    figures["network"] = network
    return figures
