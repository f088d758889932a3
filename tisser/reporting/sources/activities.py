"""Indicators drawn from the activities (accompaniments, workshops) and their participants."""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from tisser.activities.models import Participation
from tisser.core import stale_figures
from tisser.reporting.enums import Group, Measure, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import in_window, no_key, person


def people_helped_rows(window: Window) -> QuerySet:
    return (
        Participation.objects.filter(
            in_window(window, day="activity__date", site="activity__site_id")
        )
        .annotate(
            site_id=F("activity__site_id"),
            day=F("activity__date"),
            key=no_key(),
            facet=no_key(),
            person=person("beneficiary"),
        )
        .values("site_id", "day", "key", "facet", "person")
    )


INDICATORS = [
    Indicator(
        code="people_helped",
        label=_("Personnes accompagnées"),
        definition=_(
            "Personnes distinctes ayant au moins une activité enregistrée (accompagnement ou "
            "atelier) dans la période. Une personne venue plusieurs fois, ou dans plusieurs "
            "espaces, compte une fois."
        ),
        unit=Unit.PEOPLE,
        group=Group.WELCOME,
        measure=Measure.PEOPLE,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Activités et leurs participants identifiés (dossiers)."),
        rows=people_helped_rows,
        seed_figure=_("37 000 personnes accompagnées en 6 ans"),
    ),
]
