"""The dashboard as built for its reader: exact for staff; for a funder or the public,
never a count from 1 to 9 and nothing hidden that the totals on the page would give back."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _

from tests.accounts.factories import SiteFactory
from tests.reporting.figures_data import (
    END,
    START,
    helped,
    rebuild,
    recomputable,
    small_counts_shown,
)
from tisser.activities.enums import ActivityKind
from tisser.activities.models import Participation
from tisser.reporting import catalogue, dashboard
from tisser.reporting.dashboard_types import Audience
from tisser.reporting.enums import FacetKind, Group, Measure, Unit
from tisser.reporting.figures import FunderReach, Selection
from tisser.reporting.indicators import Indicator
from tisser.reporting.rows import in_window, no_key, person

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = (
    datetime.date(2026, 3, 10),
    datetime.date(2026, 4, 10),
    datetime.date(2026, 5, 10),
)


def _build(selection, audience=Audience.STAFF, compare=False):
    return dashboard.build(
        selection, audience=audience, title="Chiffres", filters_described=[], compare=compare
    )


def _line(built, code="people_helped"):
    return next(
        line for block in built.groups for line in block.lines if line.indicator.code == code
    )


def _chart(built, code):
    return next(chart for chart in built.charts if chart.code == code)


def _texts(table):
    return [[getattr(cell, "text", cell) for cell in row] for row in table.rows]


def _people_column(table):
    """The per-site table's site names and its people-helped column (the first figure)."""
    assert table.header[1] == "Personnes accompagnées"
    return [row[:2] for row in _texts(table)]


@pytest.fixture
def two_sites(network):
    north = SiteFactory(network=network, name="Espace Nord")
    south = SiteFactory(network=network, name="Espace Sud")
    helped(north, MARCH, 12)
    helped(south, APRIL, 4)
    rebuild()
    return north, south


def test_staff_read_exact_figures_per_site_and_per_month(network, two_sites):
    built = _build(Selection(network_id=network.pk, start=START, end=END))
    assert _line(built).current.text == "16"
    assert _people_column(built.per_site) == [
        ["Espace Nord", "12"],
        ["Espace Sud", "4"],
        ["Total", "16"],
    ]
    months = _texts(_chart(built, dashboard.MONTH_CHART).table)
    assert months == [["mars 2026", "12"], ["avril 2026", "4"], ["mai 2026", "0"],
                      ["Total de la période", "16"]]  # fmt: skip
    assert _texts(_chart(built, dashboard.SITE_CHART).table)[-1] == ["Total", "16"]


@pytest.mark.parametrize("audience", [Audience.FUNDER, Audience.PUBLIC])
def test_a_guarded_reader_never_sees_1_to_9_nor_a_recomputable_value(network, two_sites, audience):
    built = _build(Selection(network_id=network.pk, start=START, end=END), audience)
    assert small_counts_shown(built) == []
    assert recomputable(built) == []
    # South's 4 people are hidden, and so is North's 12: 16 − 12 would give them back.
    assert _people_column(built.per_site) == [
        ["Espace Nord", "moins de 10"], ["Espace Sud", "moins de 10"], ["Total", "16"],
    ]  # fmt: skip
    # May counts nobody: its 0 is shown, and is never the complement (everyone may know it).
    months = _texts(_chart(built, dashboard.MONTH_CHART).table)
    assert months == [["mars 2026", "moins de 10"], ["avril 2026", "moins de 10"],
                      ["mai 2026", "0"], ["Total de la période", "16"]]  # fmt: skip
    assert _line(built).current.text == "16"


def test_a_total_under_10_is_hidden_everywhere_for_a_funder(network, site):
    helped(site, MARCH, 3)
    rebuild()
    built = _build(Selection(network_id=network.pk, start=START, end=END), Audience.FUNDER)
    assert _line(built).current.text == "moins de 10"
    assert small_counts_shown(built) == [] and recomputable(built) == []


def test_the_previous_period_and_the_change_in_words(network, site):
    helped(site, MARCH, 20)
    helped(site, datetime.date(2025, 12, 10), 10)
    rebuild()
    built = _build(
        Selection(network_id=network.pk, start=START, end=END), Audience.FUNDER, compare=True
    )
    line = _line(built)
    assert (line.current.text, line.previous.text, line.change) == ("20", "10", "+100\u00a0%")
    assert (built.previous_start, built.previous_end) == (
        datetime.date(2025, 11, 29), datetime.date(2026, 2, 28),
    )  # fmt: skip
    table = _chart(built, dashboard.MONTH_CHART).table
    assert table.header[-1].startswith("Période précédente")
    assert recomputable(built) == [] and small_counts_shown(built) == []


def test_an_indicator_a_filter_cannot_narrow_says_so(network, two_sites):
    selection = Selection(
        network_id=network.pk, start=START, end=END, facets={FacetKind.PROGRAMME: frozenset({1})}
    )
    built = _build(selection)
    assert _line(built).current.text == "ne s'applique pas à ce filtre"
    # Only the breakdowns of indicators the programme narrows are drawn (its outcomes).
    assert built.per_site is None
    drawn = [chart.code.removeprefix(dashboard.KEY_CHART) for chart in built.charts]
    assert drawn and all(
        catalogue.indicator(code).facet_kind == FacetKind.PROGRAMME for code in drawn
    )


def test_a_funder_counts_only_the_covered_sites_during_their_conventions(network, two_sites):
    north, _south = two_sites
    helped(north, datetime.date(2026, 5, 20), 10)
    rebuild()
    reach = FunderReach(funder_id=1, site_windows={north.pk: ((datetime.date(2026, 5, 1), END),)})
    built = _build(
        Selection(network_id=network.pk, start=START, end=END, reach=reach), Audience.FUNDER
    )
    assert _line(built).current.text == "10"
    assert _people_column(built.per_site) == [["Espace Nord", "10"], ["Total", "10"]]
    assert "Espace Sud" not in str([chart.svg for chart in built.charts])


# --- breakdown keys, on a test indicator --------------------------------------------------


def _by_kind_rows(window):
    return (
        Participation.objects.filter(
            in_window(window, day="activity__date", site="activity__site_id")
        )
        .annotate(
            site_id=F("activity__site_id"),
            day=F("activity__date"),
            key=F("activity__kind"),
            facet=no_key(),
            person=person("beneficiary"),
        )
        .values("site_id", "day", "key", "facet", "person")
    )


BY_KIND = Indicator(
    code="people_by_kind",
    label=_("Personnes par type d'activité"),
    definition=_("Test"),
    unit=Unit.PEOPLE,
    group=Group.WELCOME,
    measure=Measure.PEOPLE,
    dimension="activities",
    sources=_("Test"),
    rows=_by_kind_rows,
    keys=lambda: dict(ActivityKind.choices),
)


@pytest.fixture
def with_keys(monkeypatch):
    items = {**catalogue.catalogue(), BY_KIND.code: BY_KIND}
    monkeypatch.setattr(catalogue, "catalogue", lambda: items)


def test_a_breakdown_per_key_is_a_chart_guarded_like_the_rest(network, site, with_keys):
    helped(site, MARCH, 15, kind=ActivityKind.INDIVIDUEL)
    helped(site, APRIL, 2, kind=ActivityKind.COLLECTIF)
    rebuild()
    selection = Selection(network_id=network.pk, start=START, end=END)
    staff = _chart(_build(selection), dashboard.KEY_CHART + BY_KIND.code)
    assert _texts(staff.table) == [
        ["Accompagnement individuel", "15"], ["Atelier collectif", "2"], ["Total", "17"],
    ]  # fmt: skip
    built = _build(selection, Audience.PUBLIC)
    table = _chart(built, dashboard.KEY_CHART + BY_KIND.code).table
    assert _texts(table)[-1] == ["Total", "17"]
    assert small_counts_shown(built) == [] and recomputable(built) == []


@pytest.mark.usefixtures("without_kept_sets")
def test_the_number_of_queries_does_not_grow_with_sites_and_months(network):
    def count(sites, months):
        for index in range(sites):
            site = SiteFactory(network=network)
            for month in range(months):
                helped(site, datetime.date(2026, 1 + month, 5), 1)
        rebuild()
        selection = Selection(
            network_id=network.pk, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30)
        )
        with CaptureQueriesContext(connection) as queries:
            _build(selection, Audience.FUNDER, compare=True)
        return len(queries)

    # Two months already make the half-year a union of pieces (one more query per read).
    few = count(1, 2)
    many = count(4, 6)
    assert many == few


def test_the_built_dashboard_keeps_its_period_and_audience(network, two_sites):
    selection = Selection(network_id=network.pk, start=START, end=END)
    built = _build(selection, Audience.FUNDER)
    assert (built.start, built.end, built.audience) == (START, END, Audience.FUNDER)
    assert built.generated_at is not None
    assert dataclasses.is_dataclass(built)
