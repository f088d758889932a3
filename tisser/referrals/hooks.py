"""What the referrals app announces to higher apps (see tisser.core.hooks)."""

from tisser.core import hooks

REFERRAL_CONSUMED = hooks.declare(
    "referral.consumed",
    "The person came to their appointment: the referral is consumed and linked to their "
    "file. Payload: actor (the site member), referral, beneficiary.",
)
