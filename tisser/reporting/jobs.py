"""The reporting app's periodic jobs (tisser.core.scheduler discovers this module)."""

from tisser.core.scheduler import DailyAt, job

# --- public figures (helper PUBLIC) ---
from tisser.reporting.public import refresh_public_snapshot


@job("reporting.public_figures", DailyAt(6, 15))
def refresh_public_figures(*, now):
    """The public figures page's snapshot, once a day after the night's roll-up refresh."""
    return {"networks": refresh_public_snapshot(now)}


# --- end public figures ---
