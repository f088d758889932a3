"""Indicators drawn from the skills diagnostics (decision 0052): finished sittings only,
counted on the Paris day they finished, at the site where they were taken.

Progress reuses the pairing rule of ``tisser.diagnostics.reporting.entry_level``: an exit's
level in a domain against the level of the same domain in the person's latest entry of the
same accompaniment period finished before the exit.

**Autonomy** (« sortis de l'exclusion numérique », decision 0055): a person counts on the
day of a finished **exit** diagnostic at level ``AUTONOMY_LEVEL`` (3) or more in **every**
domain of :data:`AUTONOMY_DOMAINS`. Never from the reason an accompaniment period closed,
nor from the autonomy field of an activity.
"""

from __future__ import annotations

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from tisser.core import stale_figures
from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL, DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult
from tisser.diagnostics.reporting import entry_level
from tisser.reporting.enums import Group, Measure, Unit
from tisser.reporting.indicators import Indicator, Window
from tisser.reporting.rows import in_window_at, no_key, paris_day, person

# The domains of the skills framework (content/skills/framework.json) a person must be
# autonomous in to count as « sorti de l'exclusion numérique »: the five every sitting
# measures. Job search (« emploi ») is left out on purpose: only jobseekers take it, and
# the figure must mean the same thing for everyone.
AUTONOMY_DOMAINS = ("appareil", "informations", "communiquer", "demarches", "securite")


def _finished(window: Window, kind: str) -> QuerySet:
    return Diagnostic.objects.filter(
        in_window_at(window, at="finished_at"), status=DiagnosticStatus.FINISHED, kind=kind
    )


def _people(rows: QuerySet) -> QuerySet:
    return rows.annotate(
        day=paris_day("finished_at"), key=no_key(), facet=no_key(), person=person("beneficiary")
    ).values("site_id", "day", "key", "facet", "person")


def entry_diagnostics_rows(window: Window) -> QuerySet:
    return _people(_finished(window, DiagnosticKind.ENTRY))


def exit_diagnostics_rows(window: Window) -> QuerySet:
    return _people(_finished(window, DiagnosticKind.EXIT))


def people_autonomous_rows(window: Window) -> QuerySet:
    rows = _finished(window, DiagnosticKind.EXIT)
    for domain in AUTONOMY_DOMAINS:
        rows = rows.filter(
            Exists(
                DiagnosticResult.objects.filter(
                    diagnostic_id=OuterRef("pk"), domain=domain, level__gte=AUTONOMY_LEVEL
                )
            )
        )
    return _people(rows)


def _pairs(window: Window) -> QuerySet:
    """One row per domain of each finished exit of the window that has a paired entry."""
    return (
        DiagnosticResult.objects.filter(
            in_window_at(window, at="diagnostic__finished_at", site="diagnostic__site_id"),
            diagnostic__status=DiagnosticStatus.FINISHED,
            diagnostic__kind=DiagnosticKind.EXIT,
            diagnostic__period__isnull=False,
        )
        .annotate(entry_level=entry_level())
        .filter(entry_level__isnull=False)
        .annotate(
            site_id=F("diagnostic__site_id"),
            day=paris_day("diagnostic__finished_at"),
            key=F("domain"),
            facet=no_key(),
        )
        .order_by()
    )


def people_with_progress_rows(window: Window) -> QuerySet:
    return (
        _pairs(window)
        .annotate(person=person("diagnostic__beneficiary"))
        .values("site_id", "day", "key", "facet", "person")
    )


def level_gains_rows(window: Window) -> QuerySet:
    return (
        _pairs(window)
        .annotate(amount=F("level") - F("entry_level"))
        .values("site_id", "day", "key", "facet", "amount")
    )


def progress_pairs_rows(window: Window) -> QuerySet:
    return (
        _pairs(window)
        .annotate(amount=Value(1, output_field=IntegerField()))
        .values("site_id", "day", "key", "facet", "amount")
    )


def domain_labels() -> dict[str, str]:
    return framework.domain_labels()


def _skills(**kwargs) -> Indicator:
    defaults = {"group": Group.SKILLS, "dimension": stale_figures.DIAGNOSTICS}
    return Indicator(**{**defaults, **kwargs})


SOURCES = _("Diagnostics de compétences terminés et leurs résultats par domaine.")

INDICATORS = [
    _skills(
        code="entry_diagnostics",
        label=_("Personnes ayant passé un diagnostic d'entrée"),
        definition=_(
            "Personnes distinctes ayant terminé un diagnostic de compétences d'entrée dans "
            "la période (un diagnostic abandonné ou en cours ne compte pas)."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SOURCES,
        rows=entry_diagnostics_rows,
    ),
    _skills(
        code="exit_diagnostics",
        label=_("Personnes ayant passé un diagnostic de sortie"),
        definition=_(
            "Personnes distinctes ayant terminé un diagnostic de compétences de sortie dans "
            "la période."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SOURCES,
        rows=exit_diagnostics_rows,
    ),
    _skills(
        code="people_autonomous",
        label=_("Personnes sorties de l'exclusion numérique"),
        definition=_(
            "Personnes distinctes ayant terminé dans la période un diagnostic de sortie au "
            "niveau 3 (« autonome ») ou plus dans chacun des cinq domaines communs : "
            "utiliser un appareil, trouver une information, communiquer, faire ses "
            "démarches en ligne, se protéger. Seul le diagnostic de sortie compte : ni le "
            "motif de fin d'un accompagnement, ni le niveau d'autonomie noté sur une "
            "activité."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SOURCES,
        rows=people_autonomous_rows,
        seed_figure=_("plus de 1 000 personnes sorties de l'exclusion numérique par an"),
    ),
    _skills(
        code="people_with_progress",
        label=_("Personnes dont la progression est mesurée"),
        definition=_(
            "Personnes distinctes ayant terminé dans la période un diagnostic de sortie "
            "comparable à un diagnostic d'entrée du même accompagnement, par domaine."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=SOURCES,
        rows=people_with_progress_rows,
        keys=domain_labels,
    ),
    _skills(
        code="level_gains",
        label=_("Niveaux gagnés entre l'entrée et la sortie (total)"),
        definition=_(
            "Somme, par domaine, des niveaux gagnés (niveau de sortie moins niveau "
            "d'entrée) par les personnes sorties dans la période ; l'entrée comparée est la "
            "dernière terminée avant la sortie, dans le même accompagnement."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=SOURCES,
        rows=level_gains_rows,
        base="people_with_progress",
        keys=domain_labels,
    ),
    _skills(
        code="progress_pairs",
        label=_("Comparaisons entrée-sortie"),
        definition=_(
            "Nombre de résultats de sortie, par domaine, comparés au résultat d'entrée du "
            "même accompagnement, pour les sorties de la période."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=SOURCES,
        rows=progress_pairs_rows,
        base="people_with_progress",
        keys=domain_labels,
    ),
    _skills(
        code="average_progress",
        label=_("Progression moyenne (niveaux)"),
        definition=_(
            "Niveaux gagnés en moyenne dans un domaine entre le diagnostic d'entrée et celui "
            "de sortie du même accompagnement (de 0 à 4 ; négatif en cas de recul)."
        ),
        unit=Unit.COUNT,
        measure=Measure.RATIO,
        sources=SOURCES,
        numerator="level_gains",
        denominator="progress_pairs",
        base="people_with_progress",
        keys=domain_labels,
    ),
]
