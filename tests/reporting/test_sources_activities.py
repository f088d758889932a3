"""The activity indicators on hand-built data sets whose answers are known, read from the
raw records and from the roll-ups."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import MembershipFactory, SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.reporting.datasets import split, value, values
from tisser.accounts.enums import Role
from tisser.activities.enums import ActivityKind
from tisser.beneficiaries.services import beneficiary_merge
from tisser.reporting import catalogue
from tisser.reporting.figures import Selection

pytestmark = pytest.mark.django_db

D = datetime.date
ACTIVITY_CODES = [
    "people_helped",
    "new_people",
    "people_accompanied",
    "accompaniments",
    "workshop_people",
    "workshops_held",
    "workshop_participants",
    "mediation_hours",
]


def visit(site, day, *people, minutes=30):
    """An individual accompaniment (one person) or, with several people, a workshop."""
    if len(people) == 1:
        activity = ActivityFactory(site=site, date=day, duration_minutes=minutes, anonymous_count=0)
    else:
        activity = workshop(site, day, *people, anonymous=0, minutes=minutes)
        return activity
    ParticipationFactory(activity=activity, beneficiary=people[0])
    return activity


def workshop(site, day, *people, anonymous=0, minutes=120):
    activity = ActivityFactory(
        site=site,
        date=day,
        kind=ActivityKind.COLLECTIF,
        duration_minutes=minutes,
        anonymous_count=anonymous,
        participant_count=anonymous + len(people),
    )
    for person in people:
        ParticipationFactory(activity=activity, beneficiary=person)
    return activity


@pytest.fixture
def two_sites():
    first = SiteFactory()
    return first, SiteFactory(network=first.network)


def selection(site, start, end, sites=None):
    return Selection(network_id=site.network_id, start=start, end=end, site_ids=sites)


def test_every_activity_indicator_is_in_the_catalogue_with_its_dimension():
    for code in ACTIVITY_CODES:
        assert catalogue.indicator(code).dimension == "activities"


def test_counts_durations_and_participants_of_a_known_data_set(two_sites):
    first, second = two_sites
    anna, bruno = BeneficiaryFactory(site=first), BeneficiaryFactory(site=first)
    visit(first, D(2026, 1, 10), anna, minutes=45)
    visit(first, D(2026, 1, 20), anna, minutes=30)
    workshop(first, D(2026, 2, 3), anna, bruno, anonymous=3, minutes=120)
    workshop(first, D(2026, 2, 10), minutes=60)  # nobody came
    visit(second, D(2026, 3, 1), bruno, minutes=45)

    found = values(selection(first, D(2026, 1, 1), D(2026, 12, 31)), ACTIVITY_CODES)

    assert found == {
        "people_helped": (2, 2),
        "new_people": (2, 2),
        "people_accompanied": (2, 2),
        "accompaniments": (3, 2),
        "workshop_people": (2, 2),
        "workshops_held": (1, 2),
        "workshop_participants": (5, 2),
        "mediation_hours": (Decimal("5.00"), 2),  # 300 minutes, the empty workshop included
    }


def test_period_edges_are_inclusive(two_sites):
    first, _second = two_sites
    anna, bruno = BeneficiaryFactory(site=first), BeneficiaryFactory(site=first)
    visit(first, D(2026, 1, 19), anna)
    visit(first, D(2026, 1, 20), anna, minutes=30)
    workshop(first, D(2026, 2, 3), anna, bruno, anonymous=1, minutes=120)
    visit(first, D(2026, 2, 4), bruno)

    found = values(
        selection(first, D(2026, 1, 20), D(2026, 2, 3)),
        ["accompaniments", "workshops_held", "workshop_participants", "mediation_hours"],
    )
    assert {code: figure[0] for code, figure in found.items()} == {
        "accompaniments": 1,
        "workshops_held": 1,
        "workshop_participants": 3,
        "mediation_hours": Decimal("2.50"),
    }


def test_a_new_person_is_new_once_at_the_site_and_month_of_their_first_activity(two_sites):
    first, second = two_sites
    anna, bruno, chloe = (BeneficiaryFactory(site=first) for _ in range(3))
    visit(first, D(2026, 1, 15), anna)
    visit(second, D(2026, 3, 2), anna)
    visit(first, D(2026, 4, 1), anna)
    visit(second, D(2025, 12, 20), bruno)  # came before the period: not new in 2026
    visit(first, D(2026, 2, 5), bruno)
    workshop(second, D(2026, 3, 2), chloe, bruno, anonymous=4)
    year = selection(first, D(2026, 1, 1), D(2026, 12, 31))

    assert value(year, "new_people") == 2
    assert value(year, "people_helped") == 3
    per_site = split(year, "new_people", by="site")
    per_month = split(year, "new_people", by="month")
    assert per_site == {first.pk: 1, second.pk: 1}
    assert per_month == {D(2026, 1, 1): 1, D(2026, 3, 1): 1}
    # Summed over sites or months, nobody is new twice.
    assert sum(per_site.values()) == sum(per_month.values()) == 2
    # Read at the second site alone, Anna (new at the first) is not new there.
    assert value(selection(first, D(2026, 1, 1), D(2026, 12, 31), {second.pk}), "new_people") == 1
    assert value(selection(first, D(2026, 3, 1), D(2026, 12, 31)), "new_people") == 1


def test_people_helped_split_by_site_and_month(two_sites):
    first, second = two_sites
    anna, bruno = BeneficiaryFactory(site=first), BeneficiaryFactory(site=second)
    visit(first, D(2026, 1, 5), anna)
    visit(second, D(2026, 1, 6), anna)
    visit(second, D(2026, 2, 6), anna)
    visit(second, D(2026, 2, 7), bruno)
    year = selection(first, D(2026, 1, 1), D(2026, 12, 31))

    assert value(year, "people_helped") == 2
    assert split(year, "people_helped", by="site") == {first.pk: 1, second.pk: 2}
    assert split(year, "people_helped", by="month") == {D(2026, 1, 1): 1, D(2026, 2, 1): 2}
    assert split(year, "accompaniments", by="site") == {first.pk: 1, second.pk: 3}


def test_a_person_merged_into_another_counts_once_and_is_new_once(two_sites):
    first, second = two_sites
    kept, duplicate = BeneficiaryFactory(site=first), BeneficiaryFactory(site=second)
    visit(first, D(2026, 4, 1), kept)
    visit(second, D(2026, 2, 5), duplicate)
    workshop(first, D(2026, 5, 5), duplicate, anonymous=2)
    beneficiary_merge(
        actor=MembershipFactory(organisation=first.network, role=Role.NETWORK_ADMIN),
        kept=kept,
        duplicate=duplicate,
        reason="Même personne, deux dossiers.",
    )
    year = selection(first, D(2026, 1, 1), D(2026, 12, 31))

    found = values(year, ["people_helped", "new_people", "people_accompanied", "workshop_people"])
    assert {code: figure[0] for code, figure in found.items()} == {
        "people_helped": 1,
        "new_people": 1,
        "people_accompanied": 1,
        "workshop_people": 1,
    }
    # New on the day of the duplicate's first visit, at its site; not again in April.
    assert split(year, "new_people", by="site") == {second.pk: 1}
    assert value(selection(first, D(2026, 3, 1), D(2026, 12, 31)), "new_people") == 0


def test_a_merge_recorded_without_moving_the_records_still_counts_once(two_sites):
    """The rows resolve ``merged_into`` themselves, whatever the merge moved."""
    first, second = two_sites
    kept, duplicate = BeneficiaryFactory(site=first), BeneficiaryFactory(site=second)
    visit(first, D(2026, 4, 1), kept)
    visit(second, D(2026, 2, 5), duplicate)
    duplicate.merged_into = kept
    duplicate.save(update_fields=["merged_into"])
    year = selection(first, D(2026, 1, 1), D(2026, 12, 31))

    assert values(year, ["people_helped", "new_people"]) == {
        "people_helped": (1, 1),
        "new_people": (1, 1),
    }
    assert split(year, "new_people", by="month") == {D(2026, 2, 1): 1}
