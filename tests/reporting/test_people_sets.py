"""The people sets keep the exact set of files, whatever the ids."""

import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisser.reporting import people_sets

ids = st.sets(st.integers(min_value=1, max_value=3_000_000), max_size=200)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids)
def test_a_set_survives_encoding_and_decoding(members):
    people = people_sets.from_ids(members)
    blob = people_sets.encode(people)
    assert people_sets.decode(blob) == people
    assert people_sets.members(people_sets.decode(blob)) == sorted(members)
    assert people_sets.size(people) == len(members)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ids, max_size=5))
def test_the_union_of_sets_counts_each_person_once_and_leaves_the_pieces_alone(pieces):
    sets = [people_sets.from_ids(piece) for piece in pieces]
    union = people_sets.union(sets)
    assert people_sets.size(union) == len(set().union(*pieces))
    assert [people_sets.members(one) for one in sets] == [sorted(piece) for piece in pieces]


def test_an_empty_set_is_stored_and_read_back_empty():
    assert people_sets.size(people_sets.decode(people_sets.encode(people_sets.from_ids([])))) == 0
    assert people_sets.size(people_sets.decode(None)) == 0


def test_a_million_files_fit_in_a_small_blob_and_a_day_in_a_few_kilobytes():
    year = people_sets.from_ids(range(1, 1_000_001, 7))
    assert len(people_sets.encode(year)) < 150_000
    assert people_sets.size(year) == len(range(1, 1_000_001, 7))
    day = people_sets.from_ids(range(1, 1_000_001, 625))  # 1,600 people spread over a million
    assert len(people_sets.encode(day)) < 4_000


def test_a_blob_written_before_roaring_is_still_read():
    members = [3, 8, 9, 700_001]
    bits = sum(1 << member for member in members)
    legacy = zlib.compress(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), 1)
    assert people_sets.members(people_sets.decode(legacy)) == members
