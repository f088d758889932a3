"""Subscriptions of the beneficiaries app to hooks announced by the apps above it.

The referrals app sits above this one, so nothing here imports it: the hook's payload
carries the referral, read through its attributes only.
"""

from tisser.beneficiaries.enums import PeriodOpening
from tisser.beneficiaries.services import accompaniment_period_open_if_none
from tisser.core import clock, hooks


@hooks.subscribe("referral.consumed")
def open_period_on_referral(*, actor, referral, beneficiary, **_payload) -> None:
    """The person came with a referral: their accompaniment starts (unless already open)."""
    accompaniment_period_open_if_none(
        actor=actor,
        beneficiary=beneficiary,
        site=referral.site,
        on=clock.localdate(),
        opened_by=PeriodOpening.REFERRAL,
        opening_referral_id=referral.pk,
    )
