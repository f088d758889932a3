"""A learner sees only their own rows on the learners' pages, generated from the URL conf.

Every learner page (``learner_only``) that captures an id declares it with
``learner_object(Model, kwarg=...)`` (``test_every_captured_id_is_scoped`` of the scope
matrix fails otherwise). For each such id, the owner learner's row (built through the
model's ``learner_path``) is asked for by every learner of ``LEARNER_ATTACKERS`` — the
learner of another site's file —: a 404, and nothing changes. A staff member of the
owner's own site gets a 404 too (a learner page is not theirs). The control: the owner
learner reaches the page. Pages added later (exercises, diagnostics) are picked up without
editing this file. The staff side (every staff URL a 404 for a learner) is in the role and
scope matrices, where the learner is an outsider and a cross-site attacker.
"""

import pytest

from tests.core.security import checks
from tests.core.security.attackers import LEARNER_ATTACKERS
from tests.core.security.test_scope_matrix import ask, snapshot
from tests.core.urlconf import all_routes, view_attribute
from tisser.accounts.enums import Role

ROUTES = all_routes()
LEARNER_ROUTES = [route for route in ROUTES if checks.is_learner_view(route)]
SCOPED = [
    (route, name, model)
    for route in LEARNER_ROUTES
    for name, model in (view_attribute(route.callback, "learner_scoped_args") or {}).items()
]


def path_for(world, route) -> str:
    declared = view_attribute(route.callback, "learner_scoped_args")
    return route.path_with(
        **{name: world.learner_object_of(model).pk for name, model in declared.items()}
    )


def label(value):
    return getattr(value, "label", None) or str(value)


def test_the_walk_sees_the_learners_pages():
    assert "learners:home" in {route.name for route in LEARNER_ROUTES}


def test_learner_pages_declare_no_staff_role():
    for route in LEARNER_ROUTES:
        assert checks.declared_roles(route) is None, route.label


@pytest.mark.parametrize("route", LEARNER_ROUTES, ids=label)
def test_a_learner_page_opens_for_its_learner_only(shared, sign_in, client, route):
    """Without ids: the owner learner reaches it; a staff member of their site does not."""
    if view_attribute(route.callback, "learner_scoped_args"):
        path = path_for(shared, route)
    else:
        path = route.path
    mediator = shared.member(Role.MEDIATOR)
    assert ask(sign_in(mediator.user, mediator), path).status_code == 404
    client.logout()
    response = ask(sign_in(None, card=shared.learners["owner"]), path)
    assert response.status_code not in (404, 405), f"the learner got {response.status_code}"


@pytest.mark.parametrize(
    "route, argument, model, attacker",
    [(r, n, m, a) for r, n, m in SCOPED for a in LEARNER_ATTACKERS],
    ids=label,
)
def test_another_learners_row_is_a_404_and_changes_nothing(
    shared, sign_in_as, route, argument, model, attacker
):
    obj = shared.learner_object_of(model)
    before = snapshot(obj)
    client, _ = sign_in_as(attacker)
    path = path_for(shared, route)
    response = ask(client, path)
    assert response.status_code == 404, f"{attacker} got {response.status_code} from {path}"
    assert snapshot(obj) == before, f"{path} changed another learner's row"
