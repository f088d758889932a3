"""Indicators drawn from the activities (accompaniments, workshops) and their participants.

An activity counts on its date, at its site. People are the identified participants'
files (merged files resolved to the file kept); anonymous participants are only counted in
``workshop_participants``, never as people.
"""

from __future__ import annotations

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from tisser.activities.enums import ActivityKind
from tisser.activities.models import Activity, Participation
from tisser.core import stale_figures
from tisser.reporting.enums import Group, Measure, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import in_window, no_key, person

PEOPLE_COLUMNS = ("site_id", "day", "key", "facet", "person")
AMOUNT_COLUMNS = ("site_id", "day", "key", "facet", "amount")


def _participations(window: Window, **conditions) -> QuerySet:
    return (
        Participation.objects.filter(
            in_window(window, day="activity__date", site="activity__site_id"), **conditions
        )
        .annotate(
            site_id=F("activity__site_id"),
            day=F("activity__date"),
            key=no_key(),
            facet=no_key(),
            person=person("beneficiary"),
        )
        .values(*PEOPLE_COLUMNS)
    )


def _activities(window: Window, amount, **conditions) -> QuerySet:
    return (
        Activity.objects.filter(in_window(window, day="date"), **conditions)
        .annotate(day=F("date"), key=no_key(), facet=no_key(), amount=amount)
        .values(*AMOUNT_COLUMNS)
    )


def _one():
    return Value(1, output_field=IntegerField())


def people_helped_rows(window: Window) -> QuerySet:
    return _participations(window)


def new_people_rows(window: Window) -> QuerySet:
    """Each person's first participation ever (earliest day, then lowest activity id),
    over their own file and the files merged into it, kept when it falls in the window:
    at most one row per person, so the sum over sites and months is exact."""
    before = Q(activity__date__lt=OuterRef("activity__date")) | Q(
        activity__date=OuterRef("activity__date"), activity_id__lt=OuterRef("activity_id")
    )
    # Nothing after the window can come before a row in it, and only merged files can be
    # the "merged" side: both bounds keep PostgreSQL from hashing every participation ever
    # (a month of 10,000,000 records: 60 s to 35 s, measured on the benchmark's data).
    until = Q(activity__date__lte=window.end)
    # Two tests rather than one OR across the join, so each uses an index.
    on_file = Participation.objects.filter(before, until, beneficiary_id=OuterRef("person"))
    on_merged = Participation.objects.filter(
        before,
        until,
        beneficiary__merged_into__isnull=False,
        beneficiary__merged_into_id=OuterRef("person"),
    )
    return (
        Participation.objects.filter(
            in_window(window, day="activity__date", site="activity__site_id")
        )
        .annotate(person=person("beneficiary"))
        .filter(~Exists(on_file), ~Exists(on_merged))
        .annotate(
            site_id=F("activity__site_id"),
            day=F("activity__date"),
            key=no_key(),
            facet=no_key(),
        )
        .values(*PEOPLE_COLUMNS)
    )


def people_accompanied_rows(window: Window) -> QuerySet:
    return _participations(window, activity__kind=ActivityKind.INDIVIDUEL)


def accompaniments_rows(window: Window) -> QuerySet:
    return _activities(window, _one(), kind=ActivityKind.INDIVIDUEL)


def workshop_people_rows(window: Window) -> QuerySet:
    return _participations(window, activity__kind=ActivityKind.COLLECTIF)


def workshops_held_rows(window: Window) -> QuerySet:
    return _activities(window, _one(), kind=ActivityKind.COLLECTIF, participant_count__gte=1)


def workshop_participants_rows(window: Window) -> QuerySet:
    return _activities(window, F("participant_count"), kind=ActivityKind.COLLECTIF)


def mediation_hours_rows(window: Window) -> QuerySet:
    """Minutes per activity (the indicator divides by 60)."""
    return _activities(window, F("duration_minutes"))


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
    Indicator(
        code="new_people",
        label=_("Nouvelles personnes accompagnées"),
        definition=_(
            "Personnes dont la toute première activité enregistrée (accompagnement ou atelier, "
            "tous espaces confondus) a eu lieu dans la période. Chaque personne est nouvelle "
            "une seule fois, dans l'espace de cette première activité."
        ),
        unit=Unit.PEOPLE,
        group=Group.WELCOME,
        measure=Measure.PEOPLE,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Activités et leurs participants identifiés (dossiers)."),
        rows=new_people_rows,
    ),
    Indicator(
        code="people_accompanied",
        label=_("Personnes reçues en accompagnement individuel"),
        definition=_(
            "Personnes distinctes ayant eu au moins un accompagnement individuel dans la période."
        ),
        unit=Unit.PEOPLE,
        group=Group.WELCOME,
        measure=Measure.PEOPLE,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Accompagnements individuels et la personne reçue (dossier)."),
        rows=people_accompanied_rows,
    ),
    Indicator(
        code="accompaniments",
        label=_("Accompagnements individuels"),
        definition=_(
            "Nombre d'accompagnements individuels enregistrés dans la période (une personne "
            "reçue trois fois compte trois accompagnements)."
        ),
        unit=Unit.COUNT,
        group=Group.WELCOME,
        measure=Measure.SUM,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Accompagnements individuels."),
        rows=accompaniments_rows,
        base="people_accompanied",
    ),
    Indicator(
        code="workshop_people",
        label=_("Personnes inscrites venues en atelier"),
        definition=_(
            "Personnes distinctes, avec un dossier, ayant participé à au moins un atelier "
            "collectif dans la période (les participants anonymes n'y sont pas)."
        ),
        unit=Unit.PEOPLE,
        group=Group.WELCOME,
        measure=Measure.PEOPLE,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Ateliers collectifs et leurs participants identifiés (dossiers)."),
        rows=workshop_people_rows,
    ),
    Indicator(
        code="workshops_held",
        label=_("Ateliers collectifs tenus"),
        definition=_(
            "Nombre d'ateliers collectifs enregistrés dans la période avec au moins un participant."
        ),
        unit=Unit.COUNT,
        group=Group.WELCOME,
        measure=Measure.SUM,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Ateliers collectifs."),
        rows=workshops_held_rows,
        base="workshop_people",
    ),
    Indicator(
        code="workshop_participants",
        label=_("Participations aux ateliers"),
        definition=_(
            "Total des participants des ateliers collectifs de la période, participants "
            "anonymes compris : une personne venue à trois ateliers compte trois fois."
        ),
        unit=Unit.COUNT,
        group=Group.WELCOME,
        measure=Measure.SUM,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Ateliers collectifs (nombre de participants déclaré)."),
        rows=workshop_participants_rows,
        base="workshop_people",
    ),
    Indicator(
        code="mediation_hours",
        label=_("Heures de médiation"),
        definition=_(
            "Durée totale des accompagnements et des ateliers de la période, en heures (la "
            "durée d'un atelier compte une fois, quel que soit le nombre de participants)."
        ),
        unit=Unit.HOURS,
        group=Group.WELCOME,
        measure=Measure.SUM,
        dimension=stale_figures.ACTIVITIES,
        sources=_("Activités (durée en minutes)."),
        rows=mediation_hours_rows,
        base="people_helped",
        divisor=60,
    ),
]
