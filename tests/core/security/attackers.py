"""Who attacks, as data: a later kind of user is one more line here.

An ``Attacker`` builds, from the shared world, the user who signs in and the membership
they act through (None for a user without one). The cross-site matrix expects a 404 from
every attacker on every object of the owners; the role matrix expects every role outside a
view's declaration to be refused.

A learner is no user at all: the browser is signed in with a card (``card``), not with a
staff account. The learner of another site's file is in ``CROSS_SITE_ATTACKERS`` (every
staff object of the owners is a 404 for them) and in ``OUTSIDERS`` (every staff URL is a
404); ``LEARNER_ATTACKERS`` ask for the owner learner's own rows on the learners' pages
(``test_learner_matrix``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.core.security.world import World, new_member
from tisser.accounts.enums import OrganisationKind, Role


@dataclass(frozen=True)
class Attacker:
    name: str
    build: Callable[[World], tuple]  # world -> (user or None, membership or None)
    # A learner: world -> the card that signs the browser in (no user, no membership).
    card: Callable[[World], object] | None = None

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


def _learner(which):
    return Attacker(f"{which}-learner", lambda world: (None, None), lambda w: w.learners[which])


# The learner of a file of another site (site A2): the owners' learner is ``learners["owner"]``.
OTHER_LEARNER = _learner("other")

CROSS_SITE_ATTACKERS: list[Attacker] = [
    Attacker("other-site-manager", _member_of(OrganisationKind.SITE, Role.SITE_MANAGER)),
    Attacker("other-site-volunteer", _member_of(OrganisationKind.SITE, Role.VOLUNTEER)),
    Attacker("other-partner", _member_of(OrganisationKind.PARTNER, Role.PARTNER_REFERRER)),
    Attacker("funder", _member_of(OrganisationKind.FUNDER, Role.FUNDER_VIEWER)),
    Attacker("other-network-admin", _member_of(OrganisationKind.NETWORK, Role.NETWORK_ADMIN)),
    # The accounting role reads the whole of its own network: another network's is a 404.
    Attacker("other-network-accountant", _member_of(OrganisationKind.NETWORK, Role.ACCOUNTANT)),
    OTHER_LEARNER,
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
# Visitors who are refused every staff URL whatever its roles: a signed-in learner.
OUTSIDERS: list[Attacker] = [OTHER_LEARNER]
# Who asks for the owner learner's rows on the learners' own pages.
LEARNER_ATTACKERS: list[Attacker] = [OTHER_LEARNER]

ALL_ATTACKERS = list(
    {a.name: a for a in (*CROSS_SITE_ATTACKERS, *ROLE_ATTACKERS.values(), *OUTSIDERS)}.values()
)
