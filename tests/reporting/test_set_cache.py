"""Decoded people sets kept in the process (``set_cache``): known by their content, bounded,
never stale after a refresh."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyroaring import FrozenBitMap

from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting import rollup_data
from tisser.reporting import figures, people_sets, rollup_figures, rollups, set_cache
from tisser.reporting.figures import Selection
from tisser.reporting.models import PeopleSet
from tisser.reporting.set_cache import SetCache

D = datetime.date
# A year and three months: four pieces (the year 2025, January to March 2026), a union.
SEVERAL_PIECES = (D(2025, 1, 1), D(2026, 3, 31))


def test_the_cache_forgets_the_least_recently_used_beyond_its_budget():
    entry = 40 + set_cache.ENTRY_OVERHEAD_BYTES  # a set of 40 stored bytes, once kept
    kept = SetCache(budget_bytes=2 * entry + 10)
    first, second, third = (FrozenBitMap([n]) for n in (1, 2, 3))
    kept.keep((1, 1), first, 40)
    kept.keep((1, 2), second, 40)
    assert kept.get((1, 1)) is first  # now the most recently used
    kept.keep((1, 3), third, 40)  # over the budget: the least recently used, the second, goes
    assert kept.get((1, 2)) is None
    assert kept.get((1, 1)) is first and kept.get((1, 3)) is third
    assert kept.used_bytes == 2 * entry
    kept.keep((1, 4), FrozenBitMap([4]), 2 * entry)  # larger than the whole budget: not kept
    assert kept.get((1, 4)) is None and len(kept) == 2
    kept.clear()
    assert len(kept) == 0 and kept.used_bytes == 0


def test_a_digest_names_the_content_of_a_set():
    def digest(ids):
        return people_sets.digest(people_sets.encode(people_sets.from_ids(ids)))

    assert digest([3, 5, 8]) == digest([8, 5, 3])
    assert digest([3, 5, 8]) != digest([3, 5, 9])
    assert -(2**63) <= digest([3, 5, 8]) < 2**63  # fits PostgreSQL's bigint


@pytest.fixture
def data(db, monkeypatch):
    return rollup_data.build_and_roll_up(monkeypatch)


def _people_helped(selection):
    with CaptureQueriesContext(connection) as queries:
        value = figures.compute(selection, ["people_helped"])["people_helped"].value
    return value, [query["sql"] for query in queries]


def test_a_figure_of_several_pieces_reads_their_sets_once_per_process(data):
    selection = Selection(network_id=data.network.pk, start=SEVERAL_PIECES[0],
                          end=SEVERAL_PIECES[1])  # fmt: skip
    first, first_queries = _people_helped(selection)
    assert any('"members"' in sql for sql in first_queries)
    again, again_queries = _people_helped(selection)
    assert again == first == 5
    assert not any('"members"' in sql for sql in again_queries)
    assert len(set_cache.cache()) > 0


def test_the_sets_kept_are_frozen_so_no_reader_can_change_them(data):
    selection = Selection(network_id=data.network.pk, start=SEVERAL_PIECES[0],
                          end=SEVERAL_PIECES[1])  # fmt: skip
    _people_helped(selection)
    kept = set_cache.cache()
    assert len(kept) > 0
    assert all(isinstance(people, FrozenBitMap) for people, _weight in kept._sets.values())


def test_a_set_written_without_a_digest_is_read_every_time_and_never_kept(data):
    # A row written during a deploy by the version before digests.
    PeopleSet.objects.update(digest=None)
    selection = Selection(network_id=data.network.pk, start=SEVERAL_PIECES[0],
                          end=SEVERAL_PIECES[1])  # fmt: skip
    first, _queries = _people_helped(selection)
    again, queries = _people_helped(selection)
    assert again == first == 5
    assert any('"members"' in sql for sql in queries)
    assert len(set_cache.cache()) == 0


def test_a_piece_written_again_is_read_again_not_taken_from_the_cache(data):
    selection = Selection(network_id=data.network.pk, start=SEVERAL_PIECES[0],
                          end=SEVERAL_PIECES[1])  # fmt: skip
    before, _queries = _people_helped(selection)  # the sets are now kept
    newcomer = BeneficiaryFactory(site=data.first)
    activity = ActivityFactory(site=data.first, date=D(2026, 2, 10))
    ParticipationFactory(activity=activity, beneficiary=newcomer)
    rollups.rebuild(D(2026, 2, 1), D(2026, 2, 28))  # February's pieces deleted, written anew

    after, queries = _people_helped(selection)
    assert any('"members"' in sql for sql in queries)  # the new February set
    assert after == before + 1
    assert (
        after == figures.compute(selection, ["people_helped"], source="raw")["people_helped"].value
    )


def test_a_piece_replaced_between_its_size_and_its_set_is_read_again(data, monkeypatch):
    selection = Selection(network_id=data.network.pk, start=SEVERAL_PIECES[0],
                          end=SEVERAL_PIECES[1])  # fmt: skip
    fetch = rollup_figures._fetch
    refreshed = []

    def fetch_then_refresh(*args, **kwargs):
        rows = fetch(*args, **kwargs)
        if not refreshed:  # a refresh lands between the pieces' sizes and their sets
            refreshed.append(True)
            newcomer = BeneficiaryFactory(site=data.first)
            activity = ActivityFactory(site=data.first, date=D(2026, 2, 10))
            ParticipationFactory(activity=activity, beneficiary=newcomer)
            rollups.rebuild(D(2026, 2, 1), D(2026, 2, 28))  # February's rows: new ids
        return rows

    monkeypatch.setattr(rollup_figures, "_fetch", fetch_then_refresh)
    value, _queries = _people_helped(selection)
    assert refreshed
    assert value == 6  # the five people, and the newcomer of the new February piece
    assert (
        value == figures.compute(selection, ["people_helped"], source="raw")["people_helped"].value
    )
