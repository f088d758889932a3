"""The reference implementations of the indicators, one module per family of records.

Each module defines ``INDICATORS`` (a list of :class:`tisser.reporting.indicators.Indicator`).
The order below is the catalogue's order: the journey, from welcome to donations.
"""

from types import ModuleType

from tisser.reporting.sources import activities, diagnostics, learning, offers, referrals, training

SOURCE_MODULES: tuple[ModuleType, ...] = (
    activities,
    referrals,
    diagnostics,
    learning,
    training,
    offers,
)
