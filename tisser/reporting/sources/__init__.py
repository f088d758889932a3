"""The reference implementations of the indicators, one module per family of records.

Each module defines ``INDICATORS`` (a list of :class:`tisser.reporting.indicators.Indicator`).
The order below is the catalogue's order.
"""

from types import ModuleType

from tisser.reporting.sources import activities

SOURCE_MODULES: tuple[ModuleType, ...] = (activities,)

# SRCA: referrals, diagnostics, learning (issue 16).
from tisser.reporting.sources import diagnostics, learning, referrals  # noqa: E402

SOURCE_MODULES += (referrals, diagnostics, learning)
