"""A fake clock for tests that walk through time windows (rate limits, daily caps).

The ``fake_clock`` fixture (tests/conftest.py) makes ``timezone.now()`` answer it."""

import datetime

# A Monday, on the hour (UTC): hourly windows start here.
START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


class FakeClock:
    def __init__(self, start: datetime.datetime = START):
        self.moment = start

    def __call__(self) -> datetime.datetime:
        return self.moment

    def set(self, moment: datetime.datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> None:
        self.moment += datetime.timedelta(**delta)
