"""The « moins de 10 » rule: primary and secondary suppression (tisser/core/small_counts)."""

from tisser.core.small_counts import FEWER_THAN, NO_DATA, Equation, is_small, shown, suppress


def test_one_to_nine_people_is_small_zero_and_ten_are_not():
    assert [is_small(n) for n in (0, 1, 9, 10, None)] == [False, True, True, False, False]


def test_shown_hides_small_bases_and_says_when_there_is_nothing():
    assert shown(7, base=7) == FEWER_THAN
    assert shown("0,95", base=9) == FEWER_THAN
    assert shown(12, base=12) == 12
    assert shown(0, base=0) == 0
    assert shown(None, base=0) == NO_DATA
    assert shown(40, base=40, hidden=True) == FEWER_THAN


def test_a_single_small_part_hides_the_next_smallest_so_the_total_stays():
    values = {"job": 3, "health": 12, "moved": 15, "total": 30}
    hidden = suppress(values, [Equation("total", ["job", "health", "moved"])])
    assert hidden == {"job", "health"}
    # What is left cannot give either hidden value: 30 - 15 = 15 = job + health.


def test_two_small_parts_need_nothing_more_and_nothing_small_needs_nothing():
    equation = [Equation("total", ["a", "b", "c"])]
    assert suppress({"a": 3, "b": 4, "c": 20, "total": 27}, equation) == {"a", "b"}
    assert suppress({"a": 10, "b": 11, "c": 20, "total": 41}, equation) == set()


def test_ties_take_the_first_smallest_and_zeros_can_be_the_complement():
    equation = [Equation("total", ["a", "b", "c"])]
    assert suppress({"a": 5, "b": 0, "c": 12, "total": 17}, equation) == {"a", "b"}
    assert suppress({"a": 5, "b": 12, "c": 12, "total": 29}, equation) == {"a", "b"}


def test_a_lone_small_part_hides_its_total():
    assert suppress({"a": 4, "total": 4}, [Equation("total", ["a"])]) == {"a", "total"}


def test_hiding_spreads_through_nested_sums():
    # Cohorts per site, sites in the total: site s1 (4 + 30 = 34) and s2 (25 + 26 = 51).
    values = {"c1": 4, "c2": 30, "s1": 34, "c3": 25, "c4": 26, "s2": 51, "total": 85}
    equations = [
        Equation("s1", ["c1", "c2"]),
        Equation("s2", ["c3", "c4"]),
        Equation("total", ["s1", "s2"]),
    ]
    hidden = suppress(values, equations)
    # c1 hides c2; then s1 is still shown (34 = c1 + c2 hides both), fine.
    assert hidden == {"c1", "c2"}
    # A small site subtotal: s1 = 8 hides s2 in the total's sum, then a cohort of s2.
    values = {"c1": 4, "c2": 4, "s1": 8, "c3": 25, "c4": 26, "s2": 51, "total": 59}
    hidden = suppress(values, equations)
    assert hidden == {"c1", "c2", "s1", "s2", "c3"}
    for equation in equations:
        members = [equation.total, *equation.parts]
        assert sum(member in hidden for member in members) != 1


def test_a_value_drawn_from_few_people_is_hidden_by_its_base():
    # Hours attended: 120 hours by 3 people, 400 by 20, 380 by 18.
    values = {"a": 120, "b": 400, "c": 380, "total": 900}
    bases = {"a": 3, "b": 20, "c": 18, "total": 41}
    hidden = suppress(values, [Equation("total", ["a", "b", "c"])], bases=bases)
    assert hidden == {"a", "c"}
