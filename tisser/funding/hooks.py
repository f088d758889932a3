"""What the funding app announces to higher apps (see tisser.core.hooks)."""

from tisser.core import hooks

DONATION_LOT_REVALUED = hooks.declare(
    "donation_lot.revalued",
    "A donation lot's value or quantity was corrected: the value of each unit sold from it "
    "changes, so the sales app marks the figures of the days those units were sold. "
    "Payload: lot.",
)
