"""The offers app answers the core registry ``site_offers`` (the referral form's list)."""

from tisser.core.site_offers import register
from tisser.offers.selectors_public import public_offers


@register
def solidarity_offers(site):
    return public_offers(site=site)
