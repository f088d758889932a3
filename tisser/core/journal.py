"""Writing to and purging the append-only audit journal."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model

from tisser.core import clock
from tisser.core.models import JournalEntry

# Keys that would smuggle personal data into the payload are refused outright.
FORBIDDEN_PAYLOAD_KEYS = {"name", "first_name", "last_name", "email", "phone", "address", "nir"}


def build_entry(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    site=None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    at=None,
) -> JournalEntry:
    """One entry, checked but not saved: ``record`` saves it, ``record_many`` bulk-inserts.

    ``site`` is a site or its id; ``at`` defaults to now (``clock.now()``).
    """
    payload = payload or {}
    leaked = FORBIDDEN_PAYLOAD_KEYS.intersection(payload)
    if leaked:
        raise ValueError(f"Journal payload must not hold personal data: {sorted(leaked)}")
    entry = JournalEntry(
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        site_id=getattr(site, "pk", site),
        reason=reason[:500],
        payload=payload,
    )
    entry.created_at = at if at is not None else clock.now()
    return entry


def record(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    site=None,
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> JournalEntry:
    """Append one entry. Call it inside the service's transaction so both commit together."""
    entry = build_entry(
        actor=actor, action=action, obj=obj, site=site, reason=reason, payload=payload
    )
    entry.save()
    return entry


def record_page_read(request, *, action: str, obj: Model, site) -> JournalEntry:
    """A staff member read a page of someone's data: journaled with the member's role, in a
    transaction of its own (the page itself writes nothing)."""
    with transaction.atomic():
        return record(
            actor=request.user,
            action=action,
            obj=obj,
            site=site,
            payload={"role": request.membership.role},
        )


def record_many(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """Append entries made by ``build_entry`` in one INSERT (bulk writes, e.g. imports)."""
    return JournalEntry.objects.bulk_create(list(entries))


def retention_cutoff(now=None):
    now = now or clock.now()
    return now - timedelta(days=settings.JOURNAL_RETENTION_DAYS)


def purge_expired_entries(*, wet_run: bool, now=None) -> int:
    """Delete entries older than the retention period. Returns how many were (or would be) removed.

    The ORM refuses deletes on the journal, so the purge issues one SQL DELETE; the database
    triggers let it through only for rows past the retention period.
    """
    cutoff = retention_cutoff(now)
    expired = JournalEntry.objects.older_than(cutoff)
    count = expired.count()
    if not wet_run or count == 0:
        return count
    table = JournalEntry._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE created_at < %s", [cutoff])  # noqa: S608
        return cursor.rowcount
