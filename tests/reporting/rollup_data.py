"""A hand-built data set and test-only indicators for the roll-up tests.

``people_helped`` is the real indicator; the test indicators add what it lacks: a sum,
breakdown keys (some records without one), and a programme facet (some records without
one). They are added to the catalogue by monkeypatching it (``with_test_indicators``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, CharField, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast, Concat

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.activities.enums import ActivityKind
from tisser.activities.models import Activity, Participation
from tisser.core import stale_figures
from tisser.reporting import catalogue, rollups
from tisser.reporting.enums import FacetKind, Group, Measure, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import in_window, person

D = datetime.date


def _programme(prefix: str = ""):
    """``programme:<participant_count>`` for activities of 2 participants or more, else
    ``""`` (a stand-in facet: records with and without one)."""
    return Case(
        When(
            **{f"{prefix}participant_count__gte": 2},
            then=Concat(Value("programme:"), Cast(F(f"{prefix}participant_count"), CharField())),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def minutes_rows(window: Window) -> QuerySet:
    return (
        Activity.objects.filter(in_window(window, day="date"))
        .annotate(
            day=F("date"),
            key=F("place_postal_code"),
            facet=_programme(),
            amount=Cast(F("duration_minutes"), IntegerField()),
        )
        .values("site_id", "day", "key", "facet", "amount")
    )


def visitors_rows(window: Window) -> QuerySet:
    return (
        Participation.objects.filter(
            in_window(window, day="activity__date", site="activity__site_id")
        )
        .annotate(
            site_id=F("activity__site_id"),
            day=F("activity__date"),
            key=F("activity__place_postal_code"),
            facet=_programme("activity__"),
            person=person("beneficiary"),
        )
        .values("site_id", "day", "key", "facet", "person")
    )


TEST_INDICATORS = [
    Indicator(
        code="test_minutes",
        label="Minutes",
        definition="Minutes d'activité.",
        unit=Unit.HOURS,
        group=Group.WELCOME,
        measure=Measure.SUM,
        dimension=stale_figures.ACTIVITIES,
        sources="Activités",
        rows=minutes_rows,
        base="people_helped",
        facet_kind=FacetKind.PROGRAMME,
        keys=lambda: {"67000": "Strasbourg", "75011": "Paris"},
        divisor=60,
    ),
    Indicator(
        code="test_visitors",
        label="Visiteurs",
        definition="Personnes par lieu.",
        unit=Unit.PEOPLE,
        group=Group.WELCOME,
        measure=Measure.PEOPLE,
        dimension=stale_figures.ACTIVITIES,
        sources="Activités",
        rows=visitors_rows,
        facet_kind=FacetKind.PROGRAMME,
        keys=lambda: {"67000": "Strasbourg", "75011": "Paris"},
    ),
    Indicator(
        code="test_minutes_per_visitor",
        label="Minutes par visiteur",
        definition="Rapport.",
        unit=Unit.RATE,
        group=Group.WELCOME,
        measure=Measure.RATIO,
        dimension=stale_figures.ACTIVITIES,
        sources="Activités",
        numerator="test_minutes",
        denominator="test_visitors",
        facet_kind=FacetKind.PROGRAMME,
    ),
]


def with_test_indicators(monkeypatch) -> None:
    real = catalogue.catalogue()
    extended = {**real, **{item.code: item for item in TEST_INDICATORS}}
    monkeypatch.setattr(catalogue, "catalogue", lambda: extended)


@dataclass
class DataSet:
    network: object
    first: object
    second: object
    people: list


# Days chosen to fall on year, month and partial-month edges.
DAYS = [
    D(2025, 1, 15),
    D(2025, 6, 30),
    D(2025, 12, 31),
    D(2026, 1, 1),
    D(2026, 1, 20),
    D(2026, 2, 28),
    D(2026, 3, 1),
]

PERIODS = [
    (D(2025, 1, 1), D(2025, 12, 31)),  # a whole year
    (D(2025, 12, 15), D(2026, 1, 20)),  # across two years
    (D(2026, 1, 10), D(2026, 2, 28)),  # a partial month, then a whole one
    (D(2024, 6, 1), D(2026, 12, 31)),  # more than all of it
    (D(2026, 1, 1), D(2026, 1, 1)),  # one day
]


def build() -> DataSet:
    """Two sites; people who come to both, on several days; one person merged into another;
    activities with and without a programme and a postal code."""
    network = NetworkFactory()
    first = SiteFactory(network=network)
    second = SiteFactory(network=network)
    people = [BeneficiaryFactory(site=first) for _ in range(6)]
    # Person 5 was merged into person 0: counted as person 0.
    merged = people[5]
    merged.merged_into = people[0]
    merged.save(update_fields=["merged_into"])
    plan = [
        # (site, day, postal code, participants (indexes into people), minutes)
        (first, DAYS[0], "67000", [0, 1], 30),
        (first, DAYS[1], "", [1], 45),
        (second, DAYS[1], "75011", [2, 3, 5], 60),
        (first, DAYS[2], "67000", [0], 20),
        (second, DAYS[3], "", [4, 0], 90),
        (first, DAYS[4], "75011", [3], 15),
        (second, DAYS[4], "67000", [1, 2], 40),
        (first, DAYS[5], "", [5, 4, 2], 50),
        (second, DAYS[6], "75011", [0], 10),
    ]
    for site, day, postal, indexes, minutes in plan:
        activity = ActivityFactory(
            site=site,
            date=day,
            place_postal_code=postal,
            duration_minutes=minutes,
            participant_count=len(indexes),
            kind=ActivityKind.COLLECTIF if len(indexes) > 1 else ActivityKind.INDIVIDUEL,
            workshop_name="Atelier" if len(indexes) > 1 else "",
        )
        for index in indexes:
            ParticipationFactory(activity=activity, beneficiary=people[index])
    return DataSet(network=network, first=first, second=second, people=people)


def build_and_roll_up(monkeypatch) -> DataSet:
    """The test indicators declared, the data set built and rolled up over 2025 and 2026."""
    with_test_indicators(monkeypatch)
    found = build()
    rollups.rebuild(D(2025, 1, 1), D(2026, 12, 31))
    return found
