"""Who attacks, as data: a later kind of user is one more line here.

An ``Attacker`` builds, from the shared world, the user who signs in and the membership
they act through (None for a user without one). The cross-site matrix expects a 404 from
every attacker on every object of the owners; the role matrix expects every role outside a
view's declaration to be refused.

When the learner kind arrives (learners sign in without a staff membership), add::

    Attacker("learner", lambda world: (world.learner.user, None))

to ``CROSS_SITE_ATTACKERS`` (another learner's data is a 404) and to ``OUTSIDERS`` (every
staff URL is refused), once the world builds a learner.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.core.security.world import World, new_member
from tisser.accounts.enums import OrganisationKind, Role


@dataclass(frozen=True)
class Attacker:
    name: str
    build: Callable[[World], tuple]  # world -> (user, membership or None)

    def __str__(self) -> str:
        return self.name


def _member_of(kind, role):
    """A member of the *other* organisation of ``kind``, built once per world."""

    def build(world):
        membership = world.remember(
            ("attacker", kind, role), lambda: new_member(world.others[kind], role)
        )
        return membership.user, membership

    return build


CROSS_SITE_ATTACKERS: list[Attacker] = [
    Attacker("other-site-manager", _member_of(OrganisationKind.SITE, Role.SITE_MANAGER)),
    Attacker("other-site-volunteer", _member_of(OrganisationKind.SITE, Role.VOLUNTEER)),
    Attacker("other-partner", _member_of(OrganisationKind.PARTNER, Role.PARTNER_REFERRER)),
    Attacker("funder", _member_of(OrganisationKind.FUNDER, Role.FUNDER_VIEWER)),
    Attacker("other-network-admin", _member_of(OrganisationKind.NETWORK, Role.NETWORK_ADMIN)),
    # The accounting role reads the whole of its own network: another network's is a 404.
    Attacker("other-network-accountant", _member_of(OrganisationKind.NETWORK, Role.ACCOUNTANT)),
]


def _role_member(role):
    def build(world):
        membership = world.member(role)
        return membership.user, membership

    return build


# The role matrix: one member per role, in the owners' organisations (so a scoped URL is
# asked with an object in the member's own scope and the refusal comes from the role).
ROLE_ATTACKERS: dict[str, Attacker] = {
    role: Attacker(f"{role}", _role_member(role)) for role in Role.values
}
# Users who are refused every staff URL whatever its roles (the learner will come here).
OUTSIDERS: list[Attacker] = []

ALL_ATTACKERS = [*CROSS_SITE_ATTACKERS, *ROLE_ATTACKERS.values(), *OUTSIDERS]
