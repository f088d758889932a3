"""Writes of the staff area: journaling an export of the journal."""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.core.models import JournalEntry


def journal_export_record(
    *, actor: Membership, rows: int, filters: Mapping[str, str]
) -> JournalEntry:
    """Journal an export of the journal: who took how many entries out, with which filters."""
    if actor is None or actor.role != Role.NETWORK_ADMIN:
        raise DomainError(_("Seul l'administrateur du réseau peut exporter le journal."))
    with transaction.atomic():
        return record(
            actor=actor.user,
            action="journal.exported",
            payload={"rows": rows, "filters": dict(filters)},
        )
