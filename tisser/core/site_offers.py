"""What a space sells at a solidarity price, told by the app that owns the catalogue.

A lower app (the referral form, level 3) shows a space's offers without importing the
offers app (level 4): the offers app registers a provider in ``<app>/site_offers.py``
(discovered once, like the journal labels), and the page asks ``for_site(site)``. Each
provider answers plain ``SiteOffer`` rows, in one query (decision 0040).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.module_loading import autodiscover_modules

MODULE_NAME = "site_offers"


@dataclass(frozen=True)
class SiteOffer:
    name: str
    family: str  # the family's French label
    solidarity_price: Decimal
    monthly_price: Decimal | None = None
    description: str = ""
    requires_access_right: bool = True


Provider = Callable[..., list[SiteOffer]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


@cache
def _discover() -> None:
    autodiscover_modules(MODULE_NAME)


def for_site(site) -> list[SiteOffer]:
    """The offers ``site`` sells today (empty without a site or a provider)."""
    if site is None:
        return []
    _discover()
    found: list[SiteOffer] = []
    for provider in _providers:
        found.extend(provider(site))
    return found
