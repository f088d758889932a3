"""The people bitmaps keep the exact set of files, whatever the ids."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tisser.reporting import people_sets

ids = st.sets(st.integers(min_value=1, max_value=3_000_000), max_size=200)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids)
def test_a_set_survives_encoding_and_decoding(members):
    bits = people_sets.to_bits(members)
    blob = people_sets.encode(bits)
    assert people_sets.decode(blob) == bits
    assert people_sets.members(people_sets.decode(blob)) == sorted(members)
    assert people_sets.size(bits) == len(members)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids, ids)
def test_the_union_of_two_sets_counts_each_person_once(one, other):
    union = people_sets.to_bits(one) | people_sets.to_bits(other)
    assert people_sets.size(union) == len(one | other)


def test_an_empty_set_is_stored_and_read_back_empty():
    assert people_sets.decode(people_sets.encode(people_sets.to_bits([]))) == 0
    assert people_sets.decode(None) == 0


def test_a_million_files_fit_in_a_small_blob():
    bits = people_sets.to_bits(range(1, 1_000_001, 7))
    assert len(people_sets.encode(bits)) < 130_000
    assert people_sets.size(bits) == len(range(1, 1_000_001, 7))
