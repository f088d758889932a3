"""Cross-site 404 matrix, generated from the URL conf and the scoped models.

Every captured argument that names an object (``pk``, ``referral_id``…) must be declared
by the view (``scoped_object(Model, kwarg=...)`` leaves ``scoped_args``):
``test_every_captured_id_is_scoped`` fails otherwise, and on any ``<int:...>`` (ids are
captured as ``<id:...>``, within the database's range). Then, for every declared argument
and every kind of organisation that may own its model, the object owned in network A is
asked for by every attacker of ``attackers.CROSS_SITE_ATTACKERS`` (another site's manager
and volunteer, another partner, a funder, another network's admin), once: the answer must
be a 404 and nothing may change. A shared object (a referral, also seen by its partner) is
attacked from the partner side too, by another partner. A role that the view refuses
outright may get a 403 instead (it is the same for every id). Controls prove that the owner's
network admin and the other side of a shared object do reach the page. Nobody edits this
file when a new scoped URL or model arrives: it is picked up, and a missing factory or
declaration makes a test fail.
"""

from dataclasses import dataclass

import pytest
from django.forms.models import model_to_dict

from tests.core.security import checks
from tests.core.security.attackers import CROSS_SITE_ATTACKERS, Attacker
from tests.core.security.factories import factory_for
from tests.core.security.world import KIND_MODEL, owner_kinds, owner_model_of_path
from tests.core.test_deny_by_default import EXPECTED_PUBLIC
from tests.core.urlconf import Route, all_routes, view_attribute
from tisser.accounts.enums import OrganisationKind, Role

ROUTES = all_routes()
SCOPED = [
    (route, name, model)
    for route in ROUTES
    for name, model in (view_attribute(route.callback, "scoped_args") or {}).items()
]


@dataclass(frozen=True)
class Case:
    route: Route
    argument: str
    model: type
    owner_kind: str
    attacker: Attacker

    @property
    def id(self) -> str:
        return f"{self.route.label}[{self.argument}={self.model.__name__}@{self.owner_kind}-by-{self.attacker}]"

    def path(self, world) -> str:
        """The attacked argument names the owner's object; any other declared argument
        names an object of the same owner (each one is scoped on its own by its decorator)."""
        declared = view_attribute(self.route.callback, "scoped_args")
        values = {}
        for name, model in declared.items():
            kind = (
                self.owner_kind if self.owner_kind in owner_kinds(model) else owner_kinds(model)[0]
            )
            values[name] = world.object_of(model, kind).pk
        return self.route.path_with(**values)


CASES = [
    Case(route, name, model, kind, attacker)
    for route, name, model in SCOPED
    for kind in owner_kinds(model)
    for attacker in CROSS_SITE_ATTACKERS
]


# --- Guards: the matrix cannot be dodged ---------------------------------------------------


def test_every_captured_id_is_scoped():
    problems = checks.unscoped_id_arguments(ROUTES, public_names=EXPECTED_PUBLIC)
    assert not problems, "Declare these ids with scoped_object(Model, kwarg=...): " + "; ".join(
        problems
    )


def test_the_matrix_covers_the_scoped_urls():
    names = {route.name for route, _, _ in SCOPED}
    assert {"accounts:site_edit", "accounts:member_role", "referrals:detail"} <= names
    assert {"imports:preview", "beneficiaries:edit", "referrals:partner_validate"} <= names
    assert "referrals:summary_pdf" in names
    assert all(route.name for route, _, _ in SCOPED), "every scoped URL must be named"


@pytest.mark.parametrize("model", sorted({m for *_, m in SCOPED}, key=str), ids=str)
def test_every_scoped_model_has_a_factory(model):
    assert hasattr(model, "scope_path"), f"{model._meta.label} has no scope_path"
    if model.scope_path:
        assert factory_for(model)._meta.model is model


# --- The matrix ------------------------------------------------------------------------------


def snapshot(obj):
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


def ask(client, path):
    """One request: POST (the one that could change something), GET if POST is refused."""
    response = client.post(path, {})
    if response.status_code == 405:
        response = client.get(path)
    return response


def refusals(route, membership) -> tuple[int, ...]:
    """404; or 403 for a role the view refuses before looking anything up (the same answer
    for every id, so it tells nothing about the object either)."""
    roles = checks.declared_roles(route) or ()
    if membership is not None and membership.role not in roles:
        return (403, 404)
    return (404,)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_an_attacker_gets_404_and_changes_nothing(shared, sign_in_as, case):
    obj = shared.object_of(case.model, case.owner_kind)
    before = snapshot(obj)
    path = case.path(shared)
    client, membership = sign_in_as(case.attacker)
    response = ask(client, path)
    assert response.status_code in refusals(case.route, membership), (
        f"{case.attacker} got {response.status_code} from {path}"
    )
    assert snapshot(obj) == before, f"{path} changed another organisation's object"


# --- Controls: the 404 above comes from scoping, not from a URL that never works ----------


def owner_side_cases():
    """(case, role, organisation kind) of members who may reach the object."""
    controls = []
    for route, name, model in SCOPED:
        for kind in owner_kinds(model):
            case = Case(route, name, model, kind, CROSS_SITE_ATTACKERS[0])
            controls.append((case, Role.NETWORK_ADMIN, OrganisationKind.NETWORK))
            # The other side of a shared object (a referral's partner).
            for extra in getattr(model, "extra_scope_paths", ()):
                other = owner_model_of_path(model, extra)
                for other_kind, cls in KIND_MODEL.items():
                    if issubclass(cls, other):
                        role = {OrganisationKind.PARTNER: Role.PARTNER_REFERRER}.get(other_kind)
                        if role:
                            controls.append((case, role, other_kind))
    return controls


@pytest.mark.parametrize(
    "case, role, side",
    owner_side_cases(),
    ids=lambda value: value.id.split("-by-")[0] + "]" if isinstance(value, Case) else str(value),
)
def test_the_same_url_is_not_a_404_for_the_owning_side(shared, sign_in, case, role, side):
    member = shared.member(role)
    response = sign_in(member.user, member).get(case.path(shared))
    if response.status_code == 405:
        response = sign_in(member.user, member).post(case.path(shared), {})
    assert response.status_code not in (404, 405), f"{role} got {response.status_code}"
