"""The one clock: services read ``tisser.core.clock``; nothing patches ``timezone.now``."""

import datetime
import re
import threading
from pathlib import Path

import pytest
from django.utils import timezone

from tisser.core import clock
from tisser.core.models import JournalEntry

TISSER = Path(__file__).resolve().parents[2] / "tisser"
MOMENT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def test_frozen_at_sets_now_and_localdate_then_gives_the_real_time_back():
    with clock.frozen_at(MOMENT):
        assert clock.now() == MOMENT
        assert clock.localdate() == datetime.date(2026, 3, 2)
    assert abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_a_frozen_clock_does_not_leak_into_another_thread():
    seen = []
    with clock.frozen_at(MOMENT):
        thread = threading.Thread(target=lambda: seen.append(clock.now()))
        thread.start()
        thread.join()
    assert seen[0] != MOMENT


def test_manual_clock_moves_and_is_released_at_the_end_of_its_block():
    with clock.manual_clock() as manual:
        manual.move_to(MOMENT)
        assert clock.now() == MOMENT
        manual.move_to(MOMENT + datetime.timedelta(days=1))
        assert clock.now() == MOMENT + datetime.timedelta(days=1)
    assert clock.now() != MOMENT + datetime.timedelta(days=1)


def test_naive_moments_are_refused():
    with pytest.raises(ValueError), clock.frozen_at(datetime.datetime(2026, 3, 2)):
        pass


def test_model_timestamps_follow_the_clock(db, site):
    from tests.beneficiaries.factories import BeneficiaryFactory

    with clock.frozen_at(MOMENT):
        beneficiary = BeneficiaryFactory(site=site)
    beneficiary.refresh_from_db()
    assert beneficiary.created_at == MOMENT
    assert beneficiary.updated_at == MOMENT


def test_journal_entries_follow_the_clock(db):
    from tisser.core import journal

    with clock.frozen_at(MOMENT):
        journal.record(actor=None, action="test.clock")
    assert JournalEntry.objects.get(action="test.clock").created_at == MOMENT


def test_no_tisser_module_reads_or_patches_timezone_now_directly():
    """Every service reads tisser.core.clock, so demo builders never patch a global."""
    offenders = []
    pattern = re.compile(r"timezone\.now\(\)|timezone\.localdate\(\)|timezone\.now\s*=")
    for path in TISSER.rglob("*.py"):
        if "migrations" in path.parts or path.name == "clock.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(TISSER)}:{number}: {line.strip()}")
    assert offenders == [], "Use tisser.core.clock.now()/localdate():\n" + "\n".join(offenders)
