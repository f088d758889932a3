"""The one set of test data shared by the generated security tests (built once per run).

Network A holds the owners: ``site`` (site A1), ``partner`` (partner A1), ``funder``
(funder A1) and the network itself. Next to them live the attackers' organisations:
another site, partner and funder of the same network, and a whole other network (with a
site and a partner of its own), and a closed site. One
member per role sits in each owner organisation (the role matrix), and one object of every
scoped model that a URL takes is owned by each organisation kind that may own it (the
cross-site matrix). A shared object also names its other side: a referral owned by site
A1 is sent by partner A1.
"""

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator

from tests.accounts.factories import (
    FunderFactory,
    MembershipFactory,
    NetworkFactory,
    PartnerFactory,
    SiteFactory,
)
from tests.core.security.factories import factory_for
from tisser.accounts.enums import ROLES_BY_KIND, ROLES_REQUIRING_TWO_FACTOR, OrganisationKind, Role
from tisser.accounts.models import Funder, Organisation, Partner, Site

KIND_MODEL = {
    OrganisationKind.SITE: Site,
    OrganisationKind.PARTNER: Partner,
    OrganisationKind.FUNDER: Funder,
}
HOME_KIND = {
    Role.NETWORK_ADMIN: OrganisationKind.NETWORK,
    Role.SITE_MANAGER: OrganisationKind.SITE,
    Role.MEDIATOR: OrganisationKind.SITE,
    Role.VOLUNTEER: OrganisationKind.SITE,
    Role.PARTNER_REFERRER: OrganisationKind.PARTNER,
    Role.FUNDER_VIEWER: OrganisationKind.FUNDER,
    Role.ACCOUNTANT: OrganisationKind.NETWORK,
}
# Factory arguments that put an object in a state its own side may open. A referral, for
# instance, is a draft by default, which its site does not see yet.
FACTORY_TRAITS: dict[str, dict] = {
    "referrals.Referral": {"submitted": True},
}


def owner_model(model):
    """The organisation model at the end of ``scope_path`` ("" = the model itself)."""
    target = model
    if model.scope_path:
        for part in model.scope_path.split("__"):
            target = target._meta.get_field(part).related_model
    return target


def owner_kinds(model) -> list[str]:
    """The kinds of organisation that may own an object of ``model``."""
    target = owner_model(model)
    kinds = [kind for kind, cls in KIND_MODEL.items() if issubclass(cls, target)]
    if target is Organisation:
        kinds.insert(0, OrganisationKind.NETWORK)
    if not kinds:
        raise AssertionError(f"{model._meta.label}.scope_path does not lead to an organisation")
    return kinds


@dataclass
class World:
    network: Organisation
    owners: dict[str, Organisation]  # kind -> the owner organisation of that kind
    others: dict[str, Organisation]  # kind -> another organisation (another network's for NETWORK)
    foreign: dict[str, Organisation]  # kind -> an organisation of the other network
    closed_site: Site  # a closed site of network A (public pages do not offer it)
    members: dict[str, object] = field(default_factory=dict)  # role -> member of an owner
    objects: dict[tuple, object] = field(default_factory=dict)  # (model, owner kind) -> obj
    # The same, owned by the *other* organisation of each kind (ids out of the owners' scope).
    other_objects: dict[tuple, object] = field(default_factory=dict)
    # Learner cards: "owner" on a file of site A1, "other" on a file of site A2.
    learners: dict[str, object] = field(default_factory=dict)
    # Rows of the owner learner, one per model that a learner's page takes (learner matrix).
    learner_objects: dict[type, object] = field(default_factory=dict)
    # Once built, nothing is added: a row made inside a test would vanish with its savepoint.
    sealed: bool = False

    def member(self, role):
        return self.members[role]

    def remember(self, key, build):
        """``build()`` once, while the world is being built; afterwards only read."""
        if key not in self.members:
            assert not self.sealed, f"{key} was not built with the shared world"
            self.members[key] = build()
        return self.members[key]

    def object_of(self, model, kind):
        key = (model, kind)
        if key not in self.objects:
            assert not self.sealed, f"{model._meta.label} of a {kind} was not built"
            self.objects[key] = make_scoped_object(model, self.owners[kind], self)
        return self.objects[key]

    def learner_object_of(self, model):
        """The owner learner's row of ``model`` (built through ``model.learner_path``)."""
        if model not in self.learner_objects:
            assert not self.sealed, f"{model._meta.label} of a learner was not built"
            learner = self.learners["owner"].beneficiary
            obj = factory_for(model)(**{model.learner_path: learner})
            owned = model._default_manager.filter(pk=obj.pk, **{model.learner_path: learner})
            assert owned.exists(), f"{model._meta.label}'s factory ignored its learner_path"
            self.learner_objects[model] = obj
        return self.learner_objects[model]

    def object_of_other(self, model, kind):
        key = (model, kind)
        if key not in self.other_objects:
            assert not self.sealed, f"{model._meta.label} of another {kind} was not built"
            self.other_objects[key] = make_scoped_object(model, self.others[kind], self)
        return self.other_objects[key]


def fitting_role(model, organisation) -> dict:
    """Objects that carry a role get one that fits their organisation's kind."""
    if "role" in {f.name for f in model._meta.get_fields()}:
        return {"role": ROLES_BY_KIND[organisation.kind][0]}
    return {}


def make_scoped_object(model, owner, world):
    if not model.scope_path:
        return model.objects.get(pk=owner.pk)
    kwargs = {model.scope_path: owner, **fitting_role(model, owner)}
    # The other side of a shared object is an owner of the world too (a referral's partner).
    for path in getattr(model, "extra_scope_paths", ()):
        other = owner_model_of_path(model, path)
        for kind, cls in KIND_MODEL.items():
            if issubclass(cls, other):
                counterpart = world.owners[kind]
                if counterpart.pk == owner.pk:
                    # Both sides are of one kind (a transfer between two sites): the other
                    # side is the network's closed site, which no attacker belongs to.
                    counterpart = world.closed_site
                kwargs[path] = counterpart
    kwargs.update(FACTORY_TRAITS.get(model._meta.label, {}))
    obj = factory_for(model)(**kwargs)
    owned = model.objects.filter(pk=obj.pk, **{model.scope_path: owner.pk}).exists()
    assert owned, f"{model._meta.label}'s factory did not attach the object to its owner"
    return obj


def owner_model_of_path(model, path):
    target = model
    for part in path.split("__"):
        target = target._meta.get_field(part).related_model
    return target


def new_member(organisation, role):
    membership = MembershipFactory(organisation=organisation, role=role)
    if role in ROLES_REQUIRING_TWO_FACTOR:
        # Roles that must enrol a second factor have done so: the middleware lets them through.
        Authenticator.objects.create(
            user=membership.user,
            type=Authenticator.Type.TOTP,
            data={"secret": "JBSWY3DPEHPK3PXP"},
        )
    return membership


def build_learners(world) -> None:
    """One card on a file of the owners' site, one on a file of another site."""
    from tisser.learners.models import LearnerCard

    make = factory_for(LearnerCard)
    world.learners["owner"] = make(beneficiary__site=world.owners[OrganisationKind.SITE])
    world.learners["other"] = make(beneficiary__site=world.others[OrganisationKind.SITE])


def build_world(scoped_models, attackers=(), learner_models=()) -> World:
    network = NetworkFactory(name="Réseau A")
    owners = {
        OrganisationKind.NETWORK: network,
        OrganisationKind.SITE: SiteFactory(network=network, name="Espace A1"),
        OrganisationKind.PARTNER: PartnerFactory(network=network, name="Partenaire A1"),
        OrganisationKind.FUNDER: FunderFactory(network=network, name="Financeur A1"),
    }
    others = {
        OrganisationKind.NETWORK: NetworkFactory(name="Réseau B"),
        OrganisationKind.SITE: SiteFactory(network=network, name="Espace A2"),
        OrganisationKind.PARTNER: PartnerFactory(network=network, name="Partenaire A2"),
        OrganisationKind.FUNDER: FunderFactory(network=network, name="Financeur A2"),
    }
    foreign = {
        OrganisationKind.SITE: SiteFactory(network=others[OrganisationKind.NETWORK]),
        OrganisationKind.PARTNER: PartnerFactory(network=others[OrganisationKind.NETWORK]),
        OrganisationKind.FUNDER: FunderFactory(network=others[OrganisationKind.NETWORK]),
    }
    closed_site = SiteFactory(network=network, name="Espace fermé", is_active=False)
    world = World(
        network=network, owners=owners, others=others, foreign=foreign, closed_site=closed_site
    )
    for role, kind in HOME_KIND.items():
        world.members[role] = new_member(owners[kind], role)
    build_learners(world)
    for model in learner_models:
        world.learner_object_of(model)
    for model in scoped_models:
        for kind in owner_kinds(model):
            world.object_of(model, kind)
            world.object_of_other(model, kind)
    for attacker in attackers:
        attacker.build(world)
    world.sealed = True
    return world
