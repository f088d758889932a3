"""Shared data for the generated security tests (their time budget: ``stopwatch.py``).

The data (``world``) is built ONCE for this package, inside a transaction that is opened
before the first test of the package and rolled back after its last one: the pattern of
Django's ``TestCase.setUpTestData``. Each test still runs in its own savepoint (the usual
``db`` fixture), so a request that changed something is undone before the next test, and
the rest of the suite never sees these rows (tests/demo/shared does the same with the
demo). It works the same on SQLite and PostgreSQL,
needs no cleanup code (the append-only journal could not be cleaned anyway), and leaves
the test database as empty as it found it. A test here must not use
``django_db(transaction=True)``: it would commit inside the shared transaction.
"""

import pytest
from django.db import transaction

from tests.core.security.attackers import ALL_ATTACKERS
from tests.core.security.world import build_world
from tests.core.urlconf import all_routes, view_attribute
from tisser.core.scoping import scoped_models


def learner_models_to_build():
    """Every model whose ids a learner's page takes (``learner_object``)."""
    models = set()
    for route in all_routes():
        models.update((view_attribute(route.callback, "learner_scoped_args") or {}).values())
    return sorted(models, key=lambda model: model._meta.label)


def models_to_build():
    """Every scoped model: those a URL takes, and any other with a ``scope_path``."""
    models = set(scoped_models())
    for route in all_routes():
        models.update((view_attribute(route.callback, "scoped_args") or {}).values())
    return sorted(models, key=lambda model: model._meta.label)


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker):
    """Build the world once; roll it back after the package (as tests/demo/shared does).

    The database is unblocked only to build and to roll back: a test still needs ``db``
    (through ``shared``) to touch it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world(models_to_build(), ALL_ATTACKERS, learner_models_to_build())
        except BaseException:
            outer.__exit__(_RolledBack, _RolledBack(), None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def shared(world, db):
    """The shared world, in this test's own savepoint."""
    return world


@pytest.fixture
def sign_in(client):
    """Sign a user in on the test client, acting through ``membership`` (or none); or, with
    ``card``, sign the browser in as that card's learner (through the code page)."""

    def do(user, membership=None, *, card=None):
        if card is not None:
            response = client.post("/apprendre/", {"code": card.code})
            assert response.status_code == 302, "the learner could not sign in"
            return client
        client.force_login(user)
        if membership is not None:
            session = client.session
            session["current_membership_id"] = membership.pk
            session.save()
        return client

    return do


@pytest.fixture
def sign_in_as(sign_in, shared):
    """The client signed in as ``attacker`` (a member or a learner), and their membership."""

    def do(attacker):
        user, membership = attacker.build(shared)
        card = attacker.card(shared) if attacker.card is not None else None
        return sign_in(user, membership, card=card), membership

    return do
