"""An absurd id in a URL is a 404, never a 500.

Generated from the URL conf: every captured id (``<id:...>``, see ``tisser.core.ids``) of
every URL is replaced by a number too large for the database (25 nines, and 2**63, the
first one past the 64-bit keys) and asked for by the network admin, who may open every
staff page: the answer is a 404. Ids in query strings and forms are covered by
``test_form_ids``. Before ``<id:...>``, the site, partner and funder edit pages and the
partner validation page answered 500 (SQLite's ``OverflowError``).
"""

import pytest

from tests.core.urlconf import all_routes
from tisser.accounts.enums import Role
from tisser.core.ids import MAX_ID

ABSURD = {"25-nines": "9" * 25, "2**63": str(MAX_ID + 1), "zero": "0"}
ROUTES = [
    route
    for route in all_routes()
    if any(converter == "IdConverter" for _, converter in route.converters)
]


def test_the_walk_finds_the_urls_with_ids():
    names = {route.name for route in ROUTES}
    assert {"accounts:site_edit", "accounts:partner_edit", "accounts:funder_edit"} <= names
    assert "referrals:partner_validate" in names


def absurd_path(route, value: str) -> str:
    """The route's dummy path with every captured id replaced by ``value``."""
    pieces = route.path.split("/")
    ids = [name for name, converter in route.converters if converter == "IdConverter"]
    assert ids
    # The dummy value of an id is "1"; each captured id is its own path segment here.
    return "/".join(value if piece == "1" else piece for piece in pieces)


@pytest.mark.parametrize("value", ABSURD.values(), ids=ABSURD.keys())
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.label)
def test_an_absurd_id_in_the_url_is_a_404(shared, sign_in, route, value):
    admin = shared.member(Role.NETWORK_ADMIN)
    client = sign_in(admin.user, admin)
    path = absurd_path(route, value)
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    assert response.status_code == 404, f"{path} answered {response.status_code}"
