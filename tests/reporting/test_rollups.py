"""The roll-ups give the raw records' figures, for any period, site, month, key and facet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting import rollup_data
from tisser.core import stale_figures
from tisser.core.models import StaleFigure
from tisser.reporting import figures, rollups
from tisser.reporting.enums import FacetKind, Grain
from tisser.reporting.figures import FunderReach, Selection
from tisser.reporting.models import PeopleSet, Tally

pytestmark = pytest.mark.django_db

D = datetime.date
CODES = ["people_helped", "test_minutes", "test_visitors", "test_minutes_per_visitor"]


@pytest.fixture
def data(monkeypatch):
    return rollup_data.build_and_roll_up(monkeypatch)


def _same(selection):
    raw = figures.compute(selection, CODES, source="raw")
    assert figures.compute(selection, CODES) == raw
    for by in ("site", "month", "key"):
        raw_split = figures.compute_split(selection, CODES, by=by, source="raw")
        assert figures.compute_split(selection, CODES, by=by) == raw_split, by
    return raw


@pytest.mark.parametrize("period", rollup_data.PERIODS)
def test_roll_ups_answer_like_the_records_for_the_network_and_each_site(data, period):
    start, end = period
    whole = _same(Selection(network_id=data.network.pk, start=start, end=end))
    for site in (data.first, data.second):
        _same(Selection(network_id=data.network.pk, start=start, end=end, site_ids={site.pk}))
    if period == rollup_data.PERIODS[3]:
        # Six files, one merged into another: five people, the minutes of every activity.
        assert whole["people_helped"].value == 5
        assert whole["test_minutes"].value == pytest.approx(360 / 60)


@pytest.mark.parametrize("period", rollup_data.PERIODS)
def test_a_programme_filter_narrows_the_roll_ups_like_the_records(data, period):
    start, end = period
    for chosen in ({2}, {3}, {2, 3}, {9}):
        facets = {FacetKind.PROGRAMME: frozenset(chosen)}
        selection = Selection(network_id=data.network.pk, start=start, end=end, facets=facets)
        _same(selection)
        found = figures.compute(selection, ["people_helped", "test_visitors"])
        # people_helped takes no programme filter: it is not shown rather than unfiltered.
        assert not found["people_helped"].applicable
        assert found["test_visitors"].applicable


def test_a_funder_with_different_dates_per_site_sees_what_the_records_say(data):
    reach = FunderReach(
        funder_id=1,
        site_windows={
            data.first.pk: ((D(2025, 6, 1), D(2026, 1, 31)),),
            data.second.pk: ((D(2025, 1, 1), D(2025, 12, 31)), (D(2026, 2, 1), D(2026, 3, 31))),
        },
        programmes=frozenset({2}),
    )
    for start, end in rollup_data.PERIODS:
        _same(Selection(network_id=data.network.pk, start=start, end=end, reach=reach))


def test_the_network_rows_count_a_person_seen_at_both_sites_once(data):
    network_year = PeopleSet.objects.get(
        network=data.network,
        site=None,
        grain=Grain.YEAR,
        period_start=D(2025, 1, 1),
        indicator="people_helped",
        key="",
        facet="",
    )
    # Persons 0, 1, 2, 3 (5 counted as 0) in 2025, at one site or both.
    assert network_year.size == 4


def test_rebuild_is_idempotent(data):
    before = _snapshot()
    rollups.rebuild(D(2025, 1, 1), D(2026, 12, 31))
    assert _snapshot() == before


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's statistics (PostgreSQL pass)"
)
def test_a_rebuild_refreshes_the_planners_statistics_of_the_roll_up_tables(data):
    with CaptureQueriesContext(connection) as queries:
        rollups.rebuild(D(2026, 1, 1), D(2026, 1, 31))
    assert any(
        query["sql"].startswith("ANALYZE") and "reporting_peopleset" in query["sql"]
        for query in queries
    )


def test_another_network_is_neither_counted_nor_touched(data):
    other = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    ParticipationFactory(
        activity=ActivityFactory(site=other, date=D(2025, 6, 30)),
        beneficiary=BeneficiaryFactory(site=other),
    )
    before = _snapshot()
    rollups.rebuild(D(2025, 1, 1), D(2025, 12, 31), network_id=other.network_id)
    after = _snapshot()
    assert {k: v for k, v in after.items() if k[0] == data.network.pk} == before
    selection = Selection(network_id=data.network.pk, start=D(2025, 6, 30), end=D(2025, 6, 30))
    assert figures.compute(selection, ["people_helped"])["people_helped"].value == 4


def test_refresh_recomputes_a_marked_day_and_its_month_year_and_network(data):
    # A new person comes on a day already counted; the writing service marks the day.
    newcomer = BeneficiaryFactory(site=data.first)
    ParticipationFactory(
        activity=ActivityFactory(site=data.first, date=D(2026, 1, 20), duration_minutes=30),
        beneficiary=newcomer,
    )
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
    )
    selection = Selection(network_id=data.network.pk, start=D(2026, 1, 1), end=D(2026, 12, 31))
    before = figures.compute(selection, ["people_helped"])["people_helped"].value
    assert rollups.refresh_stale() > 0
    assert figures.compute(selection, ["people_helped"])["people_helped"].value == before + 1
    _same(selection)
    assert not StaleFigure.objects.exists()
    # Twice is the same as once.
    snapshot = _snapshot()
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
    )
    rollups.refresh_stale()
    assert _snapshot() == snapshot


def test_a_day_emptied_by_a_write_leaves_no_row(data):
    from tisser.activities.models import Activity

    Activity.objects.filter(date=D(2026, 3, 1)).delete()
    stale_figures.mark_stale(
        site_id=data.second.pk, day=D(2026, 3, 1), dimension=stale_figures.ACTIVITIES
    )
    rollups.refresh_stale()
    assert not PeopleSet.objects.filter(period_start__gte=D(2026, 3, 1)).exists()
    assert not Tally.objects.filter(period_start__gte=D(2026, 3, 1)).exists()
    _same(Selection(network_id=data.network.pk, start=D(2026, 1, 1), end=D(2026, 12, 31)))


def test_a_mark_made_while_the_refresh_recomputes_survives(data, monkeypatch):
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
    )
    real = rollups._refresh

    def refresh_while_someone_writes(marks):
        # A write lands on the same day while the first mark is being recomputed.
        stale_figures.mark_stale(
            site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
        )
        monkeypatch.setattr(rollups, "_refresh", real)
        return real(marks)

    monkeypatch.setattr(rollups, "_refresh", refresh_while_someone_writes)
    monkeypatch.setattr(rollups, "MAX_BATCHES", 1)
    rollups.refresh_stale()
    assert StaleFigure.objects.filter(site_id=data.first.pk, day=D(2026, 1, 20)).exists()


def test_a_failed_refresh_puts_its_marks_back(data, monkeypatch):
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
    )

    def broken(marks):
        raise RuntimeError("database gone")

    monkeypatch.setattr(rollups, "_refresh", broken)
    with pytest.raises(RuntimeError):
        rollups.refresh_stale()
    assert StaleFigure.objects.filter(site_id=data.first.pk, day=D(2026, 1, 20)).exists()


def test_rebuild_takes_the_marks_of_its_range(data):
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2026, 1, 20), dimension=stale_figures.ACTIVITIES
    )
    stale_figures.mark_stale(
        site_id=data.first.pk, day=D(2027, 1, 20), dimension=stale_figures.ACTIVITIES
    )
    rollups.rebuild(D(2026, 1, 1), D(2026, 12, 31))
    assert list(StaleFigure.objects.values_list("day", flat=True)) == [D(2027, 1, 20)]


def test_span_and_rebuild_all_cover_every_record(data):
    assert rollups.span() == (D(2025, 1, 15), D(2026, 3, 1))
    PeopleSet.objects.all().delete()
    Tally.objects.all().delete()
    assert rollups.rebuild_all(network_id=data.network.pk) > 0
    _same(Selection(network_id=data.network.pk, start=D(2024, 1, 1), end=D(2026, 12, 31)))


def test_nothing_recorded_writes_nothing(monkeypatch):
    rollup_data.with_test_indicators(monkeypatch)
    assert rollups.span() is None
    assert rollups.rebuild_all() == 0
    assert rollups.refresh_stale() == 0


def _snapshot():
    """Every roll-up row: (network, model, site, grain, first day, indicator, key, facet)."""
    found = {}
    for model, field in ((PeopleSet, "size"), (Tally, "value")):
        for network, *rest, value in model.objects.values_list(
            "network_id", "site_id", "grain", "period_start", "indicator", "key", "facet", field
        ):
            found[(network, model.__name__, *rest)] = value
    return found


def test_the_scheduled_job_refreshes_what_was_marked(data):
    from tisser.core import clock
    from tisser.core.scheduler import registered_jobs
    from tisser.reporting import jobs

    assert "reporting.refresh_rollups" in {job.name for job in registered_jobs()}
    stale_figures.mark_stale(
        site_id=data.second.pk, day=D(2026, 3, 1), dimension=stale_figures.ACTIVITIES
    )
    assert jobs.refresh_rollups(now=clock.now())["pieces"] > 0
    assert not StaleFigure.objects.exists()


def test_a_merge_marked_as_people_recomputes_every_people_figure(data):
    # Person 4 is merged into person 1: people_helped (an activities figure) follows.
    merged = data.people[4]
    merged.merged_into = data.people[1]
    merged.save(update_fields=["merged_into"])
    for site, day in ((data.second, D(2026, 1, 1)), (data.first, D(2026, 2, 28))):
        stale_figures.mark_stale(site_id=site.pk, day=day, dimension=stale_figures.PEOPLE)
    rollups.refresh_stale()
    selection = Selection(network_id=data.network.pk, start=D(2025, 1, 1), end=D(2026, 12, 31))
    assert _same(selection)["people_helped"].value == 4
