"""The reference implementations of the indicators, one module per family of records.

Each module defines ``INDICATORS`` (a list of :class:`tisser.reporting.indicators.Indicator`).
The order below is the catalogue's order.
"""

from tisser.reporting.sources import activities, offers, training

SOURCE_MODULES = (activities, training, offers)
