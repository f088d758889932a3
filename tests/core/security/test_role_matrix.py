"""Every non-public view declares its roles, and every other role is refused.

Generated from the URL conf: a Tisser view without ``require_roles(...)`` (or ``signed_in``
for the no-role page) fails ``test_every_private_view_declares_its_roles``; allauth's pages
and the admin are on an explicit list in ``checks.py``. Then each role outside a view's
declaration asks for it, once (POST, or GET if the view refuses the method), acting in the
owners' organisations with, for a URL that takes an object, an object of its own scope
when one exists: the answer must be a refusal (403, or 404 when the view hides the object
from that role). The users of ``attackers.OUTSIDERS`` are refused every staff URL.
"""

import pytest

from tests.core.security import checks
from tests.core.security.attackers import OUTSIDERS, ROLE_ATTACKERS
from tests.core.security.world import HOME_KIND, owner_kinds
from tests.core.test_deny_by_default import EXPECTED_PUBLIC
from tests.core.urlconf import all_routes, view_attribute

ROUTES = all_routes()
DECLARED = [
    route
    for route in ROUTES
    if checks.is_tisser_view(route)
    and route.name not in EXPECTED_PUBLIC
    and checks.declared_roles(route) is not None
]
CASES = [
    (route, ROLE_ATTACKERS[role])
    for route in DECLARED
    for role in ROLE_ATTACKERS
    if role not in checks.declared_roles(route)
]
# Outsiders (visitors without a staff role: a signed-in learner) ask every staff URL.
CASES += [
    (route, outsider)
    for route in ROUTES
    if checks.is_tisser_view(route)
    and route.name not in EXPECTED_PUBLIC
    and not checks.is_learner_view(route)
    for outsider in OUTSIDERS
]


def test_every_private_view_declares_its_roles():
    problems = checks.undeclared_views(ROUTES, public_names=EXPECTED_PUBLIC)
    assert not problems, "Declare the roles of these views: " + "; ".join(problems)


def test_the_explicit_lists_hold_no_stale_name():
    names = {route.name for route in ROUTES}
    assert names >= checks.THIRD_PARTY_SIGNED_IN, checks.THIRD_PARTY_SIGNED_IN - names


def test_the_matrix_covers_the_staff_pages():
    names = {route.name for route, _ in CASES}
    assert {"workspace:journal", "accounts:site_edit", "referrals:inbox", "imports:index"} <= names
    assert "workspace:journal_export" in names
    # The printouts (PDF) are pages like any other.
    assert {"beneficiaries:notice_pdf", "referrals:summary_pdf"} <= names
    assert len(DECLARED) >= 40


def path_for(route, world, membership) -> str:
    """The route's path with, for each captured object, one the member may see if any."""
    declared = view_attribute(route.callback, "scoped_args") or {}
    values = {}
    home = HOME_KIND[membership.role]
    for name, model in declared.items():
        kinds = owner_kinds(model)
        kind = home if home in kinds else kinds[0]
        values[name] = world.object_of(model, kind).pk
    return route.path_with(**values) if values else route.path


def ask(client, path):
    response = client.post(path, {})
    if response.status_code == 405:
        response = client.get(path)
    return response


@pytest.mark.parametrize("route, attacker", CASES, ids=lambda v: getattr(v, "label", str(v)))
def test_a_role_outside_the_declaration_is_refused(shared, sign_in_as, route, attacker):
    client, membership = sign_in_as(attacker)
    path = path_for(route, shared, membership) if membership is not None else route.path
    response = ask(client, path)
    refusals = (404,) if attacker in OUTSIDERS else (403, 404)
    assert response.status_code in refusals, (
        f"{attacker} got {response.status_code} from {path}, "
        f"which declares {checks.declared_roles(route)}"
    )
