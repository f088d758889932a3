"""Dashboards built by hand for the exports and reports tests (DASH's ``build`` renders the
same dataclasses)."""

import datetime
from decimal import Decimal

from django.utils.safestring import mark_safe

from tisser.core import stale_figures
from tisser.reporting.dashboard_types import (
    Audience,
    Chart,
    Dashboard,
    FigureLine,
    GroupBlock,
    Shown,
    Table,
)
from tisser.reporting.enums import Group, Measure, Unit
from tisser.reporting.indicators import Indicator

HELPED = Indicator(
    code="people_helped",
    label="Personnes accompagnées",
    definition="Personnes distinctes ayant au moins une activité dans la période.",
    unit=Unit.PEOPLE,
    group=Group.WELCOME,
    measure=Measure.PEOPLE,
    dimension=stale_figures.ACTIVITIES,
    sources="Activités et leurs participants identifiés.",
)
NEW_PEOPLE = Indicator(
    code="new_people",
    label="Nouvelles personnes",
    definition="Personnes venues pour la première fois.",
    unit=Unit.PEOPLE,
    group=Group.WELCOME,
    measure=Measure.PEOPLE,
    dimension=stale_figures.ACTIVITIES,
    sources="Dossiers.",
)
SATISFACTION = Indicator(
    code="satisfaction_rate",
    label="Taux de satisfaction",
    definition="Part des réponses satisfaites au questionnaire de fin de formation.",
    unit=Unit.RATE,
    group=Group.LEARNING,
    measure=Measure.RATIO,
    dimension=stale_figures.TRAINING,
    sources="Questionnaires de satisfaction.",
    numerator="people_helped",
    denominator="new_people",
)
# A label that a spreadsheet would run as a formula if written as it is.
FORMULA = '=HYPERLINK("http://example.com","x")'

SVG = mark_safe(
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect x="10" y="10" width="80" height="80" fill="#335"/></svg>'
)


def dashboard(*, audience=Audience.FUNDER, compare=True) -> Dashboard:
    hidden = Shown(text="moins de 10", value=None, hidden=True)
    chart_table = Table(
        title="Personnes accompagnées par mois",
        header=["Mois", "Personnes"],
        rows=[["janvier 2026", Shown("1 250", 1250)], ["février 2026", hidden]],
    )
    return Dashboard(
        title="Chiffres de la Fondation Lumière",
        audience=audience,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        filters=[("Espace", FORMULA), ("Programme", "Pass numérique")],
        groups=[
            GroupBlock(
                group=Group.WELCOME,
                label="Accueil et accompagnement",
                lines=[
                    FigureLine(
                        HELPED,
                        Shown("1 250", 1250),
                        previous=Shown("1 000", 1000),
                        change="+25 %",
                    ),
                    FigureLine(NEW_PEOPLE, hidden, previous=Shown("12", 12), change="—"),
                ],
            ),
            GroupBlock(
                group=Group.LEARNING,
                label="Modules et formations",
                lines=[
                    FigureLine(
                        SATISFACTION,
                        Shown("93,5 %", Decimal("0.9350")),
                        previous=Shown("—", None),
                        change="—",
                    )
                ],
            ),
        ],
        charts=[
            Chart(code="helped_by_month", title="Personnes par mois", svg=SVG, table=chart_table)
        ],
        per_site=Table(
            title="Par espace",
            header=["Espace", "Personnes accompagnées"],
            rows=[["Espace Nord", Shown("1 243", 1243)], [FORMULA, hidden]],
        ),
        previous_start=datetime.date(2025, 7, 1) if compare else None,
        previous_end=datetime.date(2025, 12, 31) if compare else None,
        generated_at=datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC),
    )
