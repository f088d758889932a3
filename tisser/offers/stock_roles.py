"""Who may do what with a site's stock (docs/decisions/0038-stock-ledger.md).

The views declare the same roles with ``require_roles``; the services check them again
against the site concerned, so a call from a job, a later counter page or a shell cannot
act on another site's stock.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core.errors import DomainError
from tisser.offers.models import StockSettings

ACCOUNTANT = Role.ACCOUNTANT

# Reads.
STOCK_READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER, ACCOUNTANT)
DEVICE_READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
MOVEMENT_READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, ACCOUNTANT)
VALUE_READERS = (Role.NETWORK_ADMIN, ACCOUNTANT)
# Writes.
RESERVERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
MANAGERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
# Device lifecycle: managers everywhere, and the hub's mediators at the hub.
PROCESSORS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)


def acts_on_site(actor, site_id: int, network_id: int | None = None) -> bool:
    """True when ``actor`` (a membership) may act on the site: its own, or any site of the
    network for a network admin."""
    if actor is None or not actor.is_active:
        return False
    if actor.role == Role.NETWORK_ADMIN:
        return network_id is not None and actor.organisation_id == network_id
    return actor.organisation_id == site_id


def check_site_actor(actor, site, roles, message: str = "") -> None:
    """Refuse (French ``DomainError``, ``message`` or a general one) unless ``actor`` has
    one of ``roles`` on ``site``."""
    if (
        actor is None
        or actor.role not in roles
        or not acts_on_site(actor, site.pk, site.network_id)
    ):
        raise DomainError(
            message or _("Vous ne pouvez pas faire cette opération sur le stock de cet espace.")
        )


def hub_site_id(network_id: int) -> int | None:
    return (
        StockSettings.objects.filter(network_id=network_id).values_list("hub_id", flat=True).first()
    )


def may_process_devices(actor, site) -> bool:
    """Managers (of the site, or of the network) and the hub's mediators at the hub: who
    processes devices, receives donations and sends stock."""
    if (
        actor is None
        or actor.role not in PROCESSORS
        or not acts_on_site(actor, site.pk, site.network_id)
    ):
        return False
    if actor.role == Role.MEDIATOR:
        return hub_site_id(site.network_id) == site.pk
    return True


def check_manager_or_hub_team(actor, site, message: str) -> None:
    """Refuse with ``message`` unless ``may_process_devices`` (receipts, transfers)."""
    if not may_process_devices(actor, site):
        raise DomainError(message)
