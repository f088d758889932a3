"""The verification command finds nothing after a rebuild, and names a tampered figure."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.reporting import rollup_data
from tisser.reporting import rollups
from tisser.reporting.models import PeopleSet, Tally

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def data(monkeypatch):
    rollup_data.with_test_indicators(monkeypatch)
    found = rollup_data.build()
    call_command("reporting_rebuild", "--from", "2025-01-01", "--to", "2026-12-31")
    return found


def test_after_a_rebuild_the_verification_finds_no_difference(data, capsys):
    call_command("reporting_verify", "--from", "2025-01-01", "--to", "2026-12-31")
    assert "Aucune différence" in capsys.readouterr().out
    # Without dates: the whole span of the records.
    call_command("reporting_verify", "--network", str(data.network.pk))
    assert "du 15/01/2025 au 01/03/2026" in capsys.readouterr().out


def test_a_tampered_total_is_reported_and_fails(data, capsys):
    row = Tally.objects.get(
        site=data.first,
        grain="m",
        period_start=D(2026, 1, 1),
        indicator="test_minutes",
        key="",
        facet="",
    )
    row.value += Decimal(60)
    row.save(update_fields=["value"])
    with pytest.raises(CommandError, match="différence"):
        call_command("reporting_verify", "--from", "2026-01-01", "--to", "2026-01-31")
    errors = capsys.readouterr().err
    assert "test_minutes" in errors
    assert f"espace {data.first.pk}" in errors


def test_a_lost_person_is_reported(data, capsys):
    PeopleSet.objects.filter(indicator="people_helped", site=None, grain="y").delete()
    with pytest.raises(CommandError):
        call_command("reporting_verify", "--from", "2025-01-01", "--to", "2025-12-31")
    assert "people_helped [réseau, période]" in capsys.readouterr().err


def test_a_rebuild_repairs_tampered_roll_ups(data):
    Tally.objects.filter(indicator="test_minutes").update(value=Decimal(1))
    rollups.rebuild(D(2025, 1, 1), D(2026, 12, 31))
    call_command("reporting_verify", "--from", "2025-01-01", "--to", "2026-12-31")
