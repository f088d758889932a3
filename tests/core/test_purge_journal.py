"""manage.py purge_journal: dry run by default, --wet-run removes old entries, idempotent.

Transactional tests, so the purge commits for real through the database triggers
(which let only rows past retention be deleted), on SQLite and on PostgreSQL.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tisser.core import journal
from tisser.core.management.commands.purge_journal import PURGE_ACTION
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db(transaction=True)


def purge(*args):
    out = StringIO()
    call_command("purge_journal", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def entries():
    now = timezone.now()
    retention = settings.JOURNAL_RETENTION_DAYS
    old = [
        JournalEntry.objects.create(action="test.old", created_at=now - timedelta(days=days))
        for days in (retention + 1, retention + 30, 3 * retention)
    ]
    kept = [
        JournalEntry.objects.create(action="test.kept", created_at=now - timedelta(days=days))
        for days in (0, 30, retention - 1)
    ]
    return old, kept


def test_dry_run_is_the_default_and_removes_nothing(entries):
    output = purge()
    assert "Simulation : 3 entrée(s)" in output
    assert "--wet-run" in output
    assert JournalEntry.objects.count() == 6


def test_wet_run_removes_only_entries_past_retention(entries):
    old, kept = entries
    output = purge("--wet-run")
    assert "3 entrée(s) du journal de plus de 365 jours supprimée(s)" in output
    remaining = set(JournalEntry.objects.exclude(action=PURGE_ACTION).values_list("pk", flat=True))
    assert remaining == {entry.pk for entry in kept}
    assert not JournalEntry.objects.filter(pk__in=[entry.pk for entry in old]).exists()


def test_wet_run_records_itself_in_the_journal(entries):
    purge("--wet-run")
    trace = JournalEntry.objects.get(action=PURGE_ACTION)
    assert trace.payload == {"removed": 3, "retention_days": settings.JOURNAL_RETENTION_DAYS}
    assert trace.actor is None


def test_purge_is_idempotent(entries):
    purge("--wet-run")
    count_after_first = JournalEntry.objects.count()
    output = purge("--wet-run")
    assert "0 entrée(s)" in output
    assert JournalEntry.objects.count() == count_after_first
    assert "Simulation : 0 entrée(s)" in purge()


def test_purge_on_an_empty_journal_removes_nothing():
    assert "0 entrée(s)" in purge("--wet-run")
    assert not JournalEntry.objects.exists()


def test_recent_entries_written_by_services_survive_the_purge(site):
    recent = journal.record(actor=None, action="test.service", obj=site, site=site)
    purge("--wet-run")
    assert JournalEntry.objects.filter(pk=recent.pk).exists()
