"""Scoped reads of the staff area: the audit journal."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.core.dates import start_of_day
from tisser.core.models import JournalEntry


def journal_scope(*, membership) -> QuerySet[JournalEntry]:
    """The journal entries a network admin may read: those of their own network.

    An entry belongs to the network through its site, or, when it has no site, through its
    author's memberships; entries written by the system itself (no author, no site, such
    as the purge) are shown too. Nobody but a network admin reads the journal.
    """
    if membership is None or not membership.is_active or membership.role != Role.NETWORK_ADMIN:
        return JournalEntry.objects.none()
    network_id = membership.organisation_id
    author_in_network = Membership.objects.filter(user_id=OuterRef("actor_id")).filter(
        Q(organisation_id=network_id) | Q(organisation__network_id=network_id)
    )
    return JournalEntry.objects.filter(
        Q(site__network_id=network_id)
        | Q(site__isnull=True, actor__isnull=True)
        | Q(Exists(author_in_network), site__isnull=True)
    )


def journal_search(
    *,
    membership,
    action: str = "",
    actor_email: str = "",
    object_type: str = "",
    object_id: str = "",
    site: Site | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[JournalEntry]:
    """Search the journal; dates are whole local days, both ends included."""
    entries = journal_scope(membership=membership)
    if action:
        entries = entries.filter(action=action)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id.strip())
    if site is not None:
        entries = entries.filter(site=site)
    if date_from:
        entries = entries.filter(created_at__gte=start_of_day(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=start_of_day(date_to + datetime.timedelta(days=1)))
    return entries.select_related("actor", "site").order_by("-created_at", "-id")


def journal_sites(*, membership) -> QuerySet[Site]:
    """The sites a journal search may be narrowed to."""
    return Site.objects.visible_to(membership).order_by("city", "name")
