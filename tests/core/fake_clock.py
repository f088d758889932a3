"""A fake clock for tests that walk through time windows (rate limits, daily caps).

The ``fake_clock`` fixture (tests/conftest.py) moves ``tisser.core.clock`` by hand.
"""

import datetime

# A Monday, on the hour (UTC): hourly windows start here.
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


class FakeClock:
    def __init__(self, manual, start: datetime.datetime = START):
        self.manual = manual
        self.set(start)

    def set(self, moment: datetime.datetime) -> None:
        self.moment = moment
        self.manual.move_to(moment)

    def advance(self, **delta) -> None:
        self.set(self.moment + datetime.timedelta(**delta))
