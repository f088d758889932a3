"""The demo's figures from before Tisser (the press release's 37,000 people in six years and
8,000 with solidarity offers in its last year), and the public figures of the ``ci`` demo:
the journey's person is among the people counted."""

from django.db.models import Min, Sum

from tisser.activities.models import Activity, Participation
from tisser.beneficiaries.models import Beneficiary
from tisser.reporting import catalogue, public
from tisser.reporting import demo as reporting_demo
from tisser.reporting.indicators import Window
from tisser.reporting.models import HistoricFigure


def test_the_whole_network_table_gives_the_press_release_totals():
    rows = reporting_demo.table(2018)
    helped = [row for row in rows if row[2] == "people_helped"]
    offers = [row for row in rows if row[2] == "people_offers"]
    assert sum(row[3] for row in helped) == 37_000
    assert {row[1] for row in helped} == set(range(2013, 2019))
    assert sum(row[3] for row in offers) == 8_000
    assert {row[1] for row in offers} == {2018}
    # Strasbourg opens with Tisser: nothing from before.
    assert not [row for row in rows if row[0] == "STRGAR"]
    # Each year more people than the one before, as the network grew.
    per_year = [sum(row[3] for row in helped if row[1] == year) for year in range(2013, 2019)]
    assert per_year == sorted(per_year)
    assert reporting_demo.table(2018) == rows


def test_the_ci_demo_has_its_spaces_figures_from_before_its_first_activity(demo_ci):
    first = Activity.objects.aggregate(first=Min("date"))["first"]
    figures = HistoricFigure.objects.all()
    assert figures.exists()
    assert {figure.site.short_code for figure in figures} == {"PARBEL"}
    assert all(figure.year < first.year for figure in figures)
    assert all(figure.source == f"Rapport d'activité {figure.year}" for figure in figures)
    expected = sum(
        value
        for code, _, indicator, value in reporting_demo.table(first.year - 1)
        if code == "PARBEL" and indicator == "people_helped"
    )
    assert figures.filter(indicator="people_helped").aggregate(n=Sum("value"))["n"] == expected


def test_the_public_figures_of_the_demo_add_the_declared_ones(demo_ci):
    network = demo_ci.network.network
    data = public.snapshot(network)
    since = data["headline"]["people_helped_since"]
    declared = HistoricFigure.objects.filter(indicator="people_helped").aggregate(n=Sum("value"))
    assert since["historic"]["value"] == declared["n"]
    assert since["tisser"]["value"] >= 10
    assert since["value"] == since["tisser"]["value"] + declared["n"]
    assert {row["city"] for row in data["cities"]} == {"Paris", "Strasbourg"}


def test_the_journey_person_is_counted_among_the_people_helped(demo_ci):
    journey = Beneficiary.objects.get(file_number=demo_ci.rights.journey_file)
    days = Participation.objects.filter(beneficiary=journey).aggregate(first=Min("activity__date"))
    assert days["first"] is not None
    rows = catalogue.indicator("people_helped").rows(
        Window(days["first"], days["first"], frozenset({journey.site_id}))
    )
    assert journey.pk in set(rows.values_list("person", flat=True))
