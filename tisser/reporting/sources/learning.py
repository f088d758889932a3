"""Indicators drawn from the self-paced learning modules (decision 0053).

A module's progress belongs to no site: it counts at the site of the learner's file (the
file kept, when the learner's file was merged into another), on the Paris day the module
was started or finished. A person has at most one progress row per module.
"""

from __future__ import annotations

from django.db.models import F, IntegerField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tisser.core import stale_figures
from tisser.learning.models import ModuleProgress
from tisser.reporting.enums import Group, Measure, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import in_window_at, no_key, paris_day, person


def _progress(window: Window, at: str) -> QuerySet:
    return (
        ModuleProgress.objects.filter(**{f"{at}__isnull": False})
        .annotate(
            site_id=Coalesce(
                F("beneficiary__merged_into__site_id"),
                F("beneficiary__site_id"),
                output_field=IntegerField(),
            )
        )
        .filter(in_window_at(window, at=at))
        .annotate(day=paris_day(at), key=no_key(), facet=no_key())
        .order_by()
    )


def _people(rows: QuerySet) -> QuerySet:
    return rows.annotate(person=person("beneficiary")).values(
        "site_id", "day", "key", "facet", "person"
    )


def _counted(rows: QuerySet) -> QuerySet:
    return rows.annotate(amount=Value(1, output_field=IntegerField())).values(
        "site_id", "day", "key", "facet", "amount"
    )


def modules_started_rows(window: Window) -> QuerySet:
    return _counted(_progress(window, "started_at"))


def people_started_module_rows(window: Window) -> QuerySet:
    return _people(_progress(window, "started_at"))


def modules_completed_rows(window: Window) -> QuerySet:
    return _counted(_progress(window, "finished_at"))


def people_completed_module_rows(window: Window) -> QuerySet:
    return _people(_progress(window, "finished_at"))


def _learning(**kwargs) -> Indicator:
    defaults = {
        "group": Group.LEARNING,
        "dimension": stale_figures.LEARNING,
        "sources": _("Progression des personnes dans les modules d'apprentissage."),
    }
    return Indicator(**{**defaults, **kwargs})


INDICATORS = [
    _learning(
        code="people_started_module",
        label=_("Personnes ayant commencé un module"),
        definition=_(
            "Personnes distinctes ayant commencé au moins un module d'apprentissage en "
            "autonomie dans la période, comptées dans l'espace de leur dossier."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        rows=people_started_module_rows,
    ),
    _learning(
        code="modules_started",
        label=_("Modules commencés"),
        definition=_(
            "Nombre de modules d'apprentissage commencés dans la période (une personne "
            "compte une fois par module)."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        rows=modules_started_rows,
        base="people_started_module",
    ),
    _learning(
        code="people_completed_module",
        label=_("Personnes ayant terminé un module"),
        definition=_(
            "Personnes distinctes ayant terminé au moins un module d'apprentissage dans la "
            "période, comptées dans l'espace de leur dossier."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        rows=people_completed_module_rows,
    ),
    _learning(
        code="modules_completed",
        label=_("Modules terminés"),
        definition=_(
            "Nombre de modules d'apprentissage terminés dans la période (une personne qui "
            "termine deux modules en compte deux)."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        rows=modules_completed_rows,
        base="people_completed_module",
    ),
]
