"""Subscriptions of the sales app to hooks announced by the apps below it."""

from tisser.core import hooks
from tisser.sales.services import access_right_open_on_referral


@hooks.subscribe("referral.consumed")
def open_access_right_on_referral(*, actor, referral, beneficiary, **_payload) -> None:
    """The person came with a referral: their solidarity access right opens (decision 0046),
    unless one is already running."""
    access_right_open_on_referral(
        actor=actor, beneficiary=beneficiary, site=referral.site, referral_id=referral.pk
    )
