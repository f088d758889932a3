"""A fake clock for tests that walk through time windows (rate limits, daily caps)."""

import datetime

import pytest
from django.utils import timezone

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


@pytest.fixture
def fake_clock(monkeypatch):
    """Every ``timezone.now()`` (and ``localdate()``) in the code answers the fake clock."""
    clock = FakeClock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock
