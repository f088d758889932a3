"""Seeding the demo network on an empty database: determinism, ``--if-empty``, refusal outside
dev/test settings (the network's shape and logins: test_network.py)."""

import pytest
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from tests.demo.helpers import logins_output
from tests.demo.helpers import network_snapshot as snapshot
from tests.demo.helpers import seed_network as seed
from tisser.accounts.enums import OrganisationKind
from tisser.accounts.models import Organisation, Site, User
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db


def test_seed_is_deterministic():
    with transaction.atomic():
        seed()
        first = snapshot()
        transaction.set_rollback(True)
    assert not Organisation.objects.exists()
    seed()
    second = snapshot()
    assert first == second
    assert len(first["sites"]) == 12


def test_if_empty_respects_a_database_with_real_organisations():
    Organisation.objects.create(kind=OrganisationKind.NETWORK, name="Mon association")
    seed("--if-empty")
    assert Organisation.objects.count() == 1
    assert not User.objects.exists()


@pytest.mark.parametrize("settings_module", ["config.settings.prod", "mysite.settings", "", None])
def test_refused_outside_dev_and_test_settings(monkeypatch, settings_module):
    # With no settings module known at all (manual configuration), the environment decides.
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    with override_settings(SETTINGS_MODULE=settings_module):
        with pytest.raises(CommandError, match="Refusé"):
            seed()
        with pytest.raises(CommandError, match="Refusé"):
            seed("--if-empty")
    assert not Organisation.objects.exists()
    assert not JournalEntry.objects.exists()


def test_allowed_under_a_live_test_server_that_hides_the_settings_module(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.test")
    with override_settings(SETTINGS_MODULE=None):
        seed()
    assert Organisation.objects.filter(kind=OrganisationKind.SITE).count() == 12


@pytest.mark.parametrize("value", ["prod", "PRODUCTION", " prod "])
def test_refused_when_tisser_env_is_prod(monkeypatch, value):
    monkeypatch.setenv("TISSER_ENV", value)
    with pytest.raises(CommandError, match="TISSER_ENV"):
        seed()
    assert not Organisation.objects.exists()


def test_allowed_with_dev_settings():
    with override_settings(SETTINGS_MODULE="config.settings.dev"):
        seed()
    assert Site.objects.count() == 12


def test_demo_logins_prints_nothing_without_demo_users():
    Organisation.objects.create(kind=OrganisationKind.NETWORK, name="Mon association")
    assert logins_output() == ""
