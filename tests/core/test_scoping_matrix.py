"""Cross-site 404 matrix, generated from the URL conf and the scoped models.

For every URL whose view is decorated with ``tisser.core.access.scoped_object`` (it carries
``scoped_model``), an object owned by organisation A is created with the model's factory
(found in any ``tests/<app>/factories.py``), and a member of ANOTHER organisation of the
same kind, with the strongest role of that kind, asks for it: the answer must be 404 (or
405 for a method the view does not accept), and nothing may change. A network admin of
another network gets the same 404. Nobody edits this file when a new scoped URL or model
arrives: it is picked up, and a missing factory or decorator makes the test fail.
"""

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from factory.django import DjangoModelFactory

from tests.accounts.factories import MembershipFactory, NetworkFactory
from tests.core.test_deny_by_default import EXPECTED_PUBLIC
from tests.core.urlconf import Route, all_routes, view_attribute
from tisser.accounts.enums import ROLES_BY_KIND, OrganisationKind, Role
from tisser.accounts.models import Funder, Organisation, Partner, Site

KIND_MODEL = {
    OrganisationKind.SITE: Site,
    OrganisationKind.PARTNER: Partner,
    OrganisationKind.FUNDER: Funder,
}
STRONGEST_ROLE = {
    OrganisationKind.NETWORK: Role.NETWORK_ADMIN,
    OrganisationKind.SITE: Role.SITE_MANAGER,
    OrganisationKind.PARTNER: Role.PARTNER_REFERRER,
    OrganisationKind.FUNDER: Role.FUNDER_VIEWER,
}
TESTS_DIR = Path(__file__).resolve().parent.parent


def all_factories() -> list[type[DjangoModelFactory]]:
    found = []
    for path in sorted(TESTS_DIR.glob("*/factories.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.factories")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DjangoModelFactory)
                and value._meta.model is not None
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


FACTORIES = all_factories()


def factory_for(model) -> type[DjangoModelFactory]:
    candidates = [f for f in FACTORIES if f._meta.model is model]
    if not candidates:
        raise AssertionError(
            f"No factory_boy factory for {model._meta.label}: add one to "
            f"tests/{model._meta.app_label}/factories.py so the cross-site matrix can test it."
        )
    named = [f for f in candidates if f.__name__ == f"{model.__name__}Factory"]
    return (named or candidates)[0]


def owner_model(model):
    """The organisation model at the end of ``scope_path`` ("" = the model itself)."""
    target = model
    if model.scope_path:
        for part in model.scope_path.split("__"):
            target = target._meta.get_field(part).related_model
    return target


@dataclass(frozen=True)
class Case:
    route: Route
    model: type
    owner_kind: str
    attacker_kind: str

    @property
    def id(self) -> str:
        attacker = (
            "other-network" if self.attacker_kind == "network" else "other-" + (self.attacker_kind)
        )
        return f"{self.route.label}[{self.model.__name__}@{self.owner_kind}-by-{attacker}]"


def cases_for(route: Route, model) -> list[Case]:
    target = owner_model(model)
    owner_kinds = [kind for kind, cls in KIND_MODEL.items() if issubclass(cls, target)]
    if target is Organisation:
        owner_kinds.insert(0, OrganisationKind.NETWORK)
    if not owner_kinds:
        raise AssertionError(f"{model._meta.label}.scope_path does not lead to an organisation")
    cases = []
    for kind in owner_kinds:
        attackers = [kind] if kind != OrganisationKind.NETWORK else []
        attackers.append(OrganisationKind.NETWORK)
        cases += [Case(route, model, kind, attacker) for attacker in attackers]
    return cases


ROUTES = all_routes()
SCOPED = [(r, view_attribute(r.callback, "scoped_model")) for r in ROUTES]
SCOPED = [(route, model) for route, model in SCOPED if model is not None]
CASES = [case for route, model in SCOPED for case in cases_for(route, model)]


# --- Guards: the matrix cannot be dodged ---------------------------------------------------


def test_scoped_urls_exist():
    names = {route.name for route, _ in SCOPED}
    assert SCOPED, "No URL carries scoped_model: the matrix would test nothing."
    assert {"accounts:site_edit", "accounts:member_role"} <= names


# allauth's pages for a person's own passkeys: the key is fetched among the signed-in user's
# authenticators (another person's key is a 404, proven in tests/accounts/test_passkeys.py).
SCOPED_TO_THE_USER = frozenset({"mfa_edit_webauthn", "mfa_remove_webauthn"})


def test_every_private_url_with_a_pk_is_scoped():
    unscoped = [
        route.label
        for route in ROUTES
        if "pk" in route.kwargs
        and route.name not in EXPECTED_PUBLIC | SCOPED_TO_THE_USER
        and view_attribute(route.callback, "scoped_model") is None
    ]
    assert not unscoped, (
        f"These URLs take a pk but their view is not decorated with scoped_object: {unscoped}"
    )


def test_every_scoped_url_is_named_and_takes_a_pk():
    for route, model in SCOPED:
        assert route.name, f"{route.path} must have a URL name"
        assert "pk" in route.kwargs, f"{route.label} is scoped but takes no pk"
        assert hasattr(model, "scope_path"), f"{model._meta.label} has no scope_path"


@pytest.mark.parametrize("model", sorted({m for _, m in SCOPED}, key=str), ids=str)
def test_every_scoped_model_has_a_factory(model):
    if model.scope_path:
        factory_for(model)


# --- The matrix ------------------------------------------------------------------------------


def fitting_role(model, organisation):
    """Objects that carry a role get one that fits their organisation's kind."""
    field_names = {field.name for field in model._meta.get_fields()}
    if "role" in field_names:
        return {"role": ROLES_BY_KIND[organisation.kind][0]}
    return {}


def new_organisation(kind, network):
    if kind == OrganisationKind.NETWORK:
        return network
    return factory_for(KIND_MODEL[kind])(network=network)


def make_scoped_object(model, owner):
    if not model.scope_path:
        return model.objects.get(pk=owner.pk)
    factory = factory_for(model)
    obj = factory(**{model.scope_path: owner}, **fitting_role(model, owner))
    owned = model.objects.filter(pk=obj.pk, **{model.scope_path: owner.pk}).exists()
    assert owned, f"{factory.__name__}({model.scope_path}=...) did not attach the object to A"
    return obj


@pytest.fixture
def arrange(db, login):
    def do(case: Case):
        network_a = NetworkFactory(name="Réseau A")
        owner = new_organisation(case.owner_kind, network_a)
        obj = make_scoped_object(case.model, owner)
        if case.attacker_kind == OrganisationKind.NETWORK:
            attacker_org = NetworkFactory(name="Réseau B")
        else:
            attacker_org = new_organisation(case.attacker_kind, network_a)
        attacker = MembershipFactory(
            organisation=attacker_org, role=STRONGEST_ROLE[case.attacker_kind]
        )
        path = case.route.path_with(pk=obj.pk)
        return obj, login(attacker), path, network_a

    return do


def snapshot(obj):
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return model_to_dict(fresh)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_member_of_another_organisation_gets_404(arrange, case):
    obj, client, path, _network = arrange(case)
    before = snapshot(obj)

    get = client.get(path)
    post = client.post(path, {})

    assert get.status_code in (404, 405), f"GET {path} answered {get.status_code}"
    assert post.status_code in (404, 405), f"POST {path} answered {post.status_code}"
    assert 404 in (get.status_code, post.status_code)
    assert snapshot(obj) == before, f"POST {path} changed another organisation's object"


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.attacker_kind == OrganisationKind.NETWORK],
    ids=lambda case: case.id.replace("other-network", "own-network-admin"),
)
def test_the_same_url_works_for_the_owning_network_admin(arrange, login, case):
    """Control: the 404 above comes from scoping, not from a URL that never works."""
    _obj, _client, path, network_a = arrange(case)
    client = login(MembershipFactory(organisation=network_a, role=Role.NETWORK_ADMIN))
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    assert response.status_code not in (404, 405), f"{path} answered {response.status_code}"
