"""Reads for the public: the offers a space sells (no stock figures, ever)."""

from __future__ import annotations

from tisser.core import clock
from tisser.core.site_offers import SiteOffer
from tisser.funding.enums import OfferFamily
from tisser.offers.models import Offer


def public_offers(*, site, today=None) -> list[SiteOffer]:
    """The active offers ``site`` sells today, cheapest first within a family (one query)."""
    today = today or clock.localdate()
    offers = (
        Offer.objects.active_on(today)
        .filter(network_id=site.network_id, sites=site)
        .only(
            "name",
            "family",
            "solidarity_price",
            "monthly_price",
            "description",
            "requires_access_right",
        )
        .order_by("family", "solidarity_price", "name")
    )
    return [
        SiteOffer(
            name=offer.name,
            family=str(OfferFamily(offer.family).label),
            solidarity_price=offer.solidarity_price,
            monthly_price=offer.monthly_price,
            description=offer.description,
            requires_access_right=offer.requires_access_right,
        )
        for offer in offers
    ]
