"""The journal is append-only: the ORM refuses changes, and so does the database."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tisser.core import journal
from tisser.core.models import JournalEntry, JournalIsAppendOnly

TABLE = JournalEntry._meta.db_table
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL trigger (runs in the PostgreSQL pass)"
)


@pytest.fixture
def entry(db, site):
    return journal.record(
        actor=UserFactory(), action="test.recorded", obj=site, site=site, reason="Essai"
    )


def old_entry(days=400):
    return JournalEntry.objects.create(
        action="test.old", created_at=timezone.now() - timedelta(days=days)
    )


def raw(sql, params=()):
    """Run raw SQL in a savepoint so a refused statement does not break the test transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def test_record_keeps_pseudonymous_references(entry, site):
    stored = JournalEntry.objects.get(pk=entry.pk)
    assert stored.action == "test.recorded"
    assert stored.object_type == "accounts.site"
    assert stored.object_id == str(site.pk)
    assert stored.site_id == site.pk
    assert stored.reason == "Essai"
    assert stored.created_at.tzinfo is not None


@pytest.mark.parametrize("key", sorted(journal.FORBIDDEN_PAYLOAD_KEYS))
def test_payload_with_personal_data_is_refused(db, key):
    with pytest.raises(ValueError, match="personal data"):
        journal.record(actor=None, action="test.leak", payload={key: "Dupont", "count": 1})
    assert not JournalEntry.objects.exists()


def test_bulk_entries_pass_the_same_checks_as_one_entry(db, site):
    """Bulk writes (imports) build their entries with the same helper as ``record``."""
    with pytest.raises(ValueError, match="personal data"):
        journal.build_entry(actor=None, action="test.leak", payload={"phone": "0612345678"})
    moment = timezone.now() - timedelta(minutes=5)
    entries = journal.record_many(
        journal.build_entry(actor=None, action="test.bulk", obj=site, site=site.pk, at=moment)
        for _ in range(3)
    )
    assert len(entries) == 3
    stored = JournalEntry.objects.filter(action="test.bulk")
    assert set(stored.values_list("object_type", "object_id", "site_id", "created_at")) == {
        ("accounts.site", str(site.pk), site.pk, moment)
    }


def test_payload_without_personal_data_is_kept(db):
    entry = journal.record(actor=None, action="test.ok", payload={"count": 3, "role": "mediator"})
    assert JournalEntry.objects.get(pk=entry.pk).payload == {"count": 3, "role": "mediator"}


def test_orm_refuses_instance_update(entry):
    entry.reason = "Falsifié"
    with pytest.raises(JournalIsAppendOnly):
        entry.save()
    assert JournalEntry.objects.get(pk=entry.pk).reason == "Essai"


def test_orm_refuses_instance_delete(entry):
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_orm_refuses_queryset_update(entry):
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).update(reason="Falsifié")
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.all().update(action="x")
    assert JournalEntry.objects.get(pk=entry.pk).reason == "Essai"


def test_orm_refuses_queryset_delete(entry):
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.all().delete()
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_orm_refuses_changing_even_old_entries(db):
    entry = old_entry()
    with pytest.raises(JournalIsAppendOnly):
        entry.delete()
    with pytest.raises(JournalIsAppendOnly):
        JournalEntry.objects.older_than(timezone.now()).delete()
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


# --- The database triggers (migration core 0002), on whichever database the suite runs.


def test_database_refuses_raw_update(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"UPDATE {TABLE} SET reason = %s WHERE id = %s", ["Falsifié", entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).reason == "Essai"


def test_database_refuses_raw_update_of_old_rows_too(db):
    entry = old_entry()
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["x", entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).action == "test.old"


def test_database_refuses_raw_delete_of_recent_rows(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_database_refuses_delete_of_a_row_just_inside_retention(db):
    entry = old_entry(days=360)
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


def test_database_lets_rows_past_retention_be_deleted(db):
    entry = old_entry(days=400)
    assert raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk]) == 1
    assert not JournalEntry.objects.filter(pk=entry.pk).exists()


def test_database_refuses_a_mass_delete_that_touches_a_recent_row(entry):
    old = old_entry()
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"DELETE FROM {TABLE}")
    # The statement is atomic: the old row is not removed either.
    assert JournalEntry.objects.filter(pk__in=[entry.pk, old.pk]).count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_truncate():
    # Transactional: TRUNCATE cannot run while the insert's foreign-key checks are pending.
    entry = journal.record(actor=None, action="test.recorded")
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"TRUNCATE {TABLE}")
    assert JournalEntry.objects.filter(pk=entry.pk).exists()


@postgres_only
def test_postgres_triggers_are_installed(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [TABLE],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"core_journal_no_update", "core_journal_no_delete", "core_journal_no_truncate"}


@postgres_only
def test_postgres_refusal_uses_the_privilege_error_code(entry):
    from psycopg import errors

    with pytest.raises(DatabaseError) as caught:
        raw(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [entry.pk])
    assert isinstance(caught.value.__cause__, errors.InsufficientPrivilege)
