"""Indicators drawn from the training programmes (enrolments, attendance) and the surveys
(satisfaction, outcomes at six months). The rules are the programme dashboard's
(``tisser/training/reporting.py``, decision 0054):

- **A cohort counts on its first day.** Every programme figure (enrolled, completed, hours)
  counts on the Paris day the cohort starts (``Cohort.starts_on``), at the cohort's site:
  a funder asks « the groups of 2026 », not « the minutes of March ». A write to an
  enrolment or an attendance therefore changes the figures of (cohort's site, cohort's
  first day). Cancelled cohorts never count.
- **Enrolled**: status ``enrolled``, or ``dropped`` after having had a seat
  (``training.reporting.COUNTED``); the waiting list does not count.
- **Completed**: enrolled in a *closed* cohort with minutes attended (taken roll calls,
  ``training.minutes.attended_minutes``) reaching ``completion_percent`` of the
  programme's ``total_minutes`` (rounded up, ``training.reporting.completion_minutes``).
- **Survey answers** count on the day answered (``SurveyResponse.answered_on``), at the
  response's site. An answer may be anonymous (no file), so the survey indicators count
  *answers* (one per response id), not files: each answer is one person's.

Each row carries its programme as the facet (``programme:<id>``); a funder reads the
programmes it funds (``Reach.PROGRAMMES``).
"""

from __future__ import annotations

from django.db.models import (
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tisser.core import stale_figures
from tisser.reporting.enums import FacetKind, Group, Measure, Reach, Unit
from tisser.reporting.indicators import CITY, FUNDER, PROGRAMME, SITE, Indicator, Window
from tisser.reporting.rows import facet, in_window, no_key, person
from tisser.training.enums import AttendanceStatus, SurveyKind
from tisser.training.minutes import attended_minutes
from tisser.training.models import Attendance, Enrolment, Programme, SurveyResponse
from tisser.training.reporting import COUNTED
from tisser.training.surveys import OUTCOME_QUESTIONS, OUTCOME_YES, SATISFIED_FROM, SITUATION

FILTERS = frozenset({SITE, CITY, PROGRAMME, FUNDER})


# --- enrolments ------------------------------------------------------------------------------


def _enrolments(window: Window) -> QuerySet:
    """The enrolments that had a seat in the window's cohorts (by their first day)."""
    return Enrolment.objects.filter(
        COUNTED,
        in_window(window, day="cohort__starts_on", site="cohort__site_id"),
        cohort__cancelled_at__isnull=True,
    )


def _enrolment_rows(rows: QuerySet) -> QuerySet:
    return (
        rows.order_by()
        .annotate(
            site_id=F("cohort__site_id"),
            day=F("cohort__starts_on"),
            key=no_key(),
            facet=facet(FacetKind.PROGRAMME, "cohort__programme_id"),
            person=person("beneficiary"),
        )
        .values("site_id", "day", "key", "facet", "person")
    )


def enrolled_rows(window: Window) -> QuerySet:
    return _enrolment_rows(_enrolments(window))


def enrolled_closed_rows(window: Window) -> QuerySet:
    return _enrolment_rows(_enrolments(window).filter(cohort__closed_on__isnull=False))


def _minutes_attended() -> Subquery:
    """The minutes the outer enrolment attended on sessions whose roll call is taken."""
    return Subquery(
        Attendance.objects.filter(enrolment_id=OuterRef("pk"), session__roll_call_at__isnull=False)
        .order_by()
        .values("enrolment_id")
        .annotate(minutes=Sum(attended_minutes()))
        .values("minutes")[:1],
        output_field=IntegerField(),
    )


def _completion_minutes() -> ExpressionWrapper:
    """``ceil(total_minutes × completion_percent / 100)`` of the enrolment's programme, in
    integers (``training.reporting.completion_minutes`` in SQL)."""
    programme = "cohort__programme__"
    return ExpressionWrapper(
        (F(f"{programme}total_minutes") * F(f"{programme}completion_percent") + Value(99))
        / Value(100),
        output_field=IntegerField(),
    )


def completed_rows(window: Window) -> QuerySet:
    rows = (
        _enrolments(window)
        .filter(cohort__closed_on__isnull=False)
        .annotate(
            minutes_attended=Coalesce(_minutes_attended(), Value(0)),
            minutes_needed=_completion_minutes(),
        )
        .filter(minutes_attended__gte=F("minutes_needed"))
    )
    return _enrolment_rows(rows)


# --- attendance ------------------------------------------------------------------------------


def _attendance(window: Window) -> QuerySet:
    cohort = "session__cohort__"
    return (
        Attendance.objects.order_by()
        .filter(
            in_window(window, day=f"{cohort}starts_on", site=f"{cohort}site_id"),
            session__roll_call_at__isnull=False,
            session__cohort__cancelled_at__isnull=True,
        )
        .annotate(
            site_id=F(f"{cohort}site_id"),
            day=F(f"{cohort}starts_on"),
            key=no_key(),
            facet=facet(FacetKind.PROGRAMME, f"{cohort}programme_id"),
        )
    )


def training_minutes_rows(window: Window) -> QuerySet:
    """One row per attendance of a taken roll call: the minutes it counts (present = the
    session's minutes, late = less the minutes missed, excused and absent = 0)."""
    return (
        _attendance(window)
        .annotate(amount=attended_minutes())
        .values("site_id", "day", "key", "facet", "amount")
    )


def trainees_rows(window: Window) -> QuerySet:
    """The people who attended at least some minutes of a session."""
    return (
        _attendance(window)
        .filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE))
        .annotate(person=person("enrolment__beneficiary"))
        .values("site_id", "day", "key", "facet", "person")
    )


# --- surveys ---------------------------------------------------------------------------------


def _responses(window: Window, kind: str) -> QuerySet:
    rows = SurveyResponse.objects.order_by()
    return rows.filter(in_window(window, day="answered_on"), kind=kind).annotate(
        day=F("answered_on"),
        facet=facet(FacetKind.PROGRAMME, "programme_id"),
        # An anonymous answer has no file: the answer itself is counted.
        person=F("pk"),
    )


def survey_answers_rows(window: Window) -> QuerySet:
    return (
        _responses(window, SurveyKind.SATISFACTION)
        .filter(overall__isnull=False)
        .annotate(key=no_key())
        .values("site_id", "day", "key", "facet", "person")
    )


def satisfied_rows(window: Window) -> QuerySet:
    return (
        _responses(window, SurveyKind.SATISFACTION)
        .filter(overall__gte=SATISFIED_FROM)
        .annotate(key=no_key())
        .values("site_id", "day", "key", "facet", "person")
    )


def _situations(window: Window) -> QuerySet:
    return (
        _responses(window, SurveyKind.OUTCOME)
        .annotate(
            key=Coalesce(
                KeyTextTransform(SITUATION, "answers"), Value(""), output_field=CharField()
            )
        )
        .exclude(key="")
    )


def outcomes_rows(window: Window) -> QuerySet:
    return _situations(window).values("site_id", "day", "key", "facet", "person")


def outcomes_positive_rows(window: Window) -> QuerySet:
    return (
        _situations(window)
        .filter(key__in=OUTCOME_YES[SITUATION])
        .values("site_id", "day", "key", "facet", "person")
    )


def situation_keys() -> dict[str, str]:
    question = next(q for q in OUTCOME_QUESTIONS if q.code == SITUATION)
    return {str(choice.value): str(choice.label) for choice in question.choices}


# --- the target: configuration, not a figure --------------------------------------------------


def programme_targets(selection) -> dict[int, int]:
    """The target number of participants of each programme of the selection (a
    ``figures.Selection``): the network's programmes whose period meets the selected days,
    narrowed by the programme filter and a funder's programmes. Shown next to
    ``programme_enrolled``; it is configuration (``Programme.target_participants``), so it
    is never rolled up nor summed across programmes."""
    rows = Programme.objects.filter(
        network_id=selection.network_id,
        starts_on__lte=selection.end,
        ends_on__gte=selection.start,
    )
    chosen = selection.facets.get(FacetKind.PROGRAMME)
    if chosen is not None:
        rows = rows.filter(pk__in=sorted(chosen))
    if selection.reach is not None:
        rows = rows.filter(pk__in=sorted(selection.reach.programmes))
    return dict(rows.order_by("pk").values_list("pk", "target_participants"))


# --- the catalogue ---------------------------------------------------------------------------


def _programme(**values) -> Indicator:
    return Indicator(
        group=Group.LEARNING,
        dimension=stale_figures.TRAINING,
        facet_kind=FacetKind.PROGRAMME,
        reach=Reach.PROGRAMMES,
        filters=FILTERS,
        **values,
    )


INDICATORS = [
    _programme(
        code="programme_enrolled",
        label=_("Personnes inscrites à un programme de formation"),
        definition=_(
            "Personnes distinctes ayant eu une place dans un groupe d'un programme de "
            "formation qui commence dans la période (les personnes qui ont abandonné après "
            "leur inscription comptent, la liste d'attente non). Un groupe compte à son "
            "premier jour ; les groupes annulés ne comptent pas. L'objectif du programme "
            "est affiché à côté."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=_("Inscriptions aux groupes des programmes de formation."),
        rows=enrolled_rows,
        seed_figure=_("400 demandeurs d'emploi accompagnés vers l'autonomie numérique"),
    ),
    _programme(
        code="programme_enrolled_closed",
        label=_("Personnes inscrites dans un groupe terminé"),
        definition=_(
            "Personnes inscrites à un programme dans un groupe terminé, qui commence dans la "
            "période : la base du taux de réussite (un groupe en cours n'en donne pas)."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=_("Inscriptions aux groupes terminés des programmes de formation."),
        rows=enrolled_closed_rows,
    ),
    _programme(
        code="programme_completed",
        label=_("Personnes ayant suivi le programme jusqu'au bout"),
        definition=_(
            "Personnes inscrites dans un groupe terminé dont les heures suivies atteignent la "
            "part du programme exigée pour l'attestation (80 % des heures par défaut). Une "
            "présence compte la durée de la séance, un retard cette durée moins les minutes "
            "manquées, une absence rien."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=_("Présences aux séances dont l'appel est fait, groupes terminés."),
        rows=completed_rows,
    ),
    _programme(
        code="completion_rate",
        label=_("Taux de réussite des programmes"),
        definition=_(
            "Part des personnes inscrites dans un groupe terminé qui ont suivi assez d'heures "
            "pour l'attestation ; les abandons restent au dénominateur."
        ),
        unit=Unit.RATE,
        measure=Measure.RATIO,
        sources=_("Inscriptions et présences des groupes terminés."),
        numerator="programme_completed",
        denominator="programme_enrolled_closed",
    ),
    _programme(
        code="programme_trainees",
        label=_("Personnes venues en formation"),
        definition=_(
            "Personnes distinctes présentes (ou en retard) à au moins une séance d'un groupe "
            "qui commence dans la période."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=_("Présences aux séances dont l'appel est fait."),
        rows=trainees_rows,
    ),
    _programme(
        code="training_hours",
        label=_("Heures de formation suivies"),
        definition=_(
            "Somme des heures suivies par les personnes inscrites, sur les séances dont "
            "l'appel est fait, des groupes qui commencent dans la période : une présence "
            "compte la durée de la séance, un retard cette durée moins les minutes manquées, "
            "une absence (excusée ou non) rien."
        ),
        unit=Unit.HOURS,
        measure=Measure.SUM,
        sources=_("Présences aux séances des programmes de formation."),
        rows=training_minutes_rows,
        base="programme_trainees",
        divisor=60,
        seed_figure=_("32 h de formation par demandeur d'emploi"),
    ),
    _programme(
        code="training_hours_per_trainee",
        label=_("Heures de formation suivies par personne"),
        definition=_(
            "Heures de formation suivies divisées par le nombre de personnes venues en "
            "formation : la durée moyenne suivie par personne (en heures)."
        ),
        unit=Unit.HOURS,
        measure=Measure.RATIO,
        sources=_("Présences aux séances des programmes de formation."),
        numerator="training_hours",
        denominator="programme_trainees",
    ),
    _programme(
        code="survey_answers",
        label=_("Réponses au questionnaire de satisfaction"),
        definition=_(
            "Questionnaires de satisfaction remplis dans la période avec une réponse à la "
            "question d'ensemble. Une réponse peut être anonyme : on compte les réponses, "
            "chacune est celle d'une personne."
        ),
        unit=Unit.COUNT,
        measure=Measure.PEOPLE,
        sources=_("Réponses aux questionnaires de satisfaction (téléphone ou tablette)."),
        rows=survey_answers_rows,
    ),
    _programme(
        code="satisfied_answers",
        label=_("Réponses satisfaites"),
        definition=_(
            "Réponses « Satisfait » ou « Très satisfait » à la question « Dans l'ensemble, "
            "êtes-vous satisfait ? »."
        ),
        unit=Unit.COUNT,
        measure=Measure.PEOPLE,
        sources=_("Réponses aux questionnaires de satisfaction."),
        rows=satisfied_rows,
        base="survey_answers",
    ),
    _programme(
        code="satisfaction_rate",
        label=_("Taux de satisfaction"),
        definition=_(
            "Part des réponses « Satisfait » ou « Très satisfait » (4 ou 5 sur 5) à la "
            "question d'ensemble, parmi les questionnaires de satisfaction remplis dans la "
            "période."
        ),
        unit=Unit.RATE,
        measure=Measure.RATIO,
        sources=_("Réponses aux questionnaires de satisfaction."),
        numerator="satisfied_answers",
        denominator="survey_answers",
        seed_figure=_("un taux de satisfaction qui dépasse les 93 %"),
    ),
    _programme(
        code="outcomes_six_months",
        label=_("Situations connues six mois après"),
        definition=_(
            "Réponses au questionnaire envoyé six mois après la fin d'un groupe ou d'un "
            "accompagnement, par situation déclarée : en emploi, en formation, ni l'un ni "
            "l'autre. Comptées au jour de la réponse."
        ),
        unit=Unit.COUNT,
        measure=Measure.PEOPLE,
        sources=_("Réponses aux questionnaires de suivi à six mois."),
        rows=outcomes_rows,
        keys=situation_keys,
    ),
    _programme(
        code="outcomes_positive",
        label=_("En emploi ou en formation six mois après"),
        definition=_(
            "Réponses au questionnaire de suivi à six mois qui déclarent un emploi ou une "
            "formation."
        ),
        unit=Unit.COUNT,
        measure=Measure.PEOPLE,
        sources=_("Réponses aux questionnaires de suivi à six mois."),
        rows=outcomes_positive_rows,
        keys=situation_keys,
        base="outcomes_six_months",
    ),
    _programme(
        code="outcome_positive_rate",
        label=_("Part en emploi ou en formation six mois après"),
        definition=_(
            "Part des réponses au questionnaire de suivi à six mois qui déclarent un emploi "
            "ou une formation."
        ),
        unit=Unit.RATE,
        measure=Measure.RATIO,
        sources=_("Réponses aux questionnaires de suivi à six mois."),
        numerator="outcomes_positive",
        denominator="outcomes_six_months",
    ),
]
