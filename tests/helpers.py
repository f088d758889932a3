"""Small test utilities shared by several apps' tests."""

from decimal import Decimal

from tests.accounts.factories import SiteFactory

# Towns the nearest-space tests place their sites in (the préfecture's coordinates).
PLACES = {
    "strasbourg": {
        "postal_code": "67000",
        "city": "Strasbourg",
        "latitude": Decimal("48.5846"),
        "longitude": Decimal("7.7350"),
    },
    "paris": {
        "postal_code": "75020",
        "city": "Paris",
        "latitude": Decimal("48.8637"),
        "longitude": Decimal("2.3850"),
    },
}


def site_in(place: str, *, network, **fields):
    """An open site of ``network`` in one of the ``PLACES``, with its coordinates."""
    return SiteFactory(network=network, **PLACES[place], **fields)
