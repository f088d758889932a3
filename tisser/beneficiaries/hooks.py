"""What the beneficiaries app announces to higher apps (see tisser.core.hooks)."""

from tisser.core import hooks

PERIOD_OPENED = hooks.declare(
    "period.opened",
    "An accompaniment period of a file opened. Payload: actor (membership, or None for the "
    "system), period.",
)
PERIOD_CLOSED = hooks.declare(
    "period.closed",
    "An accompaniment period closed with a reason (exit diagnostics and surveys attach to "
    "it). Payload: actor (membership, or None for the idle job), period.",
)
