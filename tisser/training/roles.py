"""Who does what in the training app: one list per duty, shared by the services and the
pages of programmes, roll call and enrolment (decision 0054, « Joining the parts »)."""

from __future__ import annotations

from collections.abc import Iterable

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site

# Read the cohorts, their enrolments and attendance: the site team and the network admins.
READER_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
# Run a cohort: edit it, move a session, close it, enrol and note drop-outs.
RUNNER_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
# Create and cancel a cohort.
CREATOR_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
# Who may be a cohort's trainer: the site's team.
TRAINER_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
# The site's own staff (a volunteer takes a roll call only as the cohort's trainer).
SITE_TEAM_ROLES = frozenset({Role.SITE_MANAGER, Role.MEDIATOR})


def acts_for_site(actor: Membership | None, site: Site, roles: Iterable[str]) -> bool:
    """An active membership with one of ``roles``: at ``site``, or a network admin of its
    network."""
    if actor is None or not actor.is_active or actor.role not in roles:
        return False
    if actor.role == Role.NETWORK_ADMIN:
        return site.network_id == actor.organisation_id
    return site.pk == actor.organisation_id
