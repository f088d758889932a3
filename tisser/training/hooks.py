"""Hooks the training app announces (``tisser.core.hooks``)."""

from tisser.core import hooks

# --- programmes and cohorts (helper P) ---
COHORT_CLOSED = hooks.declare(
    "cohort.closed",
    "A cohort's programme is over (by hand or after its last roll call): surveys and "
    "certificates follow. Payload: actor (a membership or None), cohort.",
)
# --- end of programmes and cohorts ---
