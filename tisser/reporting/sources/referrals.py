"""Indicators drawn from the referrals (bons d'orientation) and their history.

Each step counts once per referral, on the Paris day of its history row
(``ReferralEvent``), at the site that holds the referral, with the referring partner as
facet (``partner:<id>``; a public help request has none):

- *received*: the row where it first reached a site's inbox (draft → sent, or moderation
  → sent; a transfer between sites is not a second receipt);
- *accepted*: the row sent → accepted (the site offered a first appointment);
- *came*: the row accepted → « personne venue » (the person's file is then known).
"""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from tisser.core import stale_figures
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Appointment, ReferralEvent
from tisser.reporting.enums import FacetKind, Group, Measure, Unit
from tisser.reporting.indicators import CITY, FUNDER, PARTNER, SITE, Indicator, Window
from tisser.reporting.rows import facet, in_window_at, no_key, paris_day, person

S = ReferralStatus
FILTERS = frozenset({SITE, CITY, FUNDER, PARTNER})
# The history rows where a referral reaches a site's inbox for the first time.
RECEIVED_FROM = (S.DRAFT, S.MODERATION_PENDING)


class DaysBetween(Func):
    """Whole days from one date to another, in SQL (PostgreSQL, SQLite)."""

    output_field = IntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra
    ):
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "sqlite":
            sql = f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
        else:
            sql = f"(({end_sql})::date - ({start_sql})::date)"
        return sql, (*end_params, *start_params)


def _events(window: Window, **conditions) -> QuerySet:
    return (
        ReferralEvent.objects.filter(
            in_window_at(window, at="at", site="referral__site_id"), **conditions
        )
        .annotate(
            site_id=F("referral__site_id"),
            day=paris_day("at"),
            key=no_key(),
            facet=facet(FacetKind.PARTNER, "referral__partner_id"),
        )
        .order_by()
    )


def _counted(rows: QuerySet) -> QuerySet:
    return rows.annotate(amount=Value(1, output_field=IntegerField())).values(
        "site_id", "day", "key", "facet", "amount"
    )


def referrals_received_rows(window: Window) -> QuerySet:
    return _counted(_events(window, to_status=S.SUBMITTED, from_status__in=RECEIVED_FROM))


def referrals_accepted_rows(window: Window) -> QuerySet:
    return _counted(_events(window, to_status=S.ACCEPTED, from_status=S.SUBMITTED))


def people_came_rows(window: Window) -> QuerySet:
    return (
        _events(
            window,
            to_status=S.CONSUMED,
            from_status=S.ACCEPTED,
            referral__beneficiary__isnull=False,
        )
        .annotate(person=person("referral__beneficiary"))
        .values("site_id", "day", "key", "facet", "person")
    )


def _with_first_appointment(window: Window) -> QuerySet:
    """The acceptance rows, with the day the referral was received and the day of its
    first appointment (the first one booked; a later rebooking does not change it)."""
    received = (
        ReferralEvent.objects.filter(
            referral_id=OuterRef("referral_id"),
            to_status=S.SUBMITTED,
            from_status__in=RECEIVED_FROM,
        )
        .order_by("at", "pk")
        .annotate(received=paris_day("at"))
        .values("received")[:1]
    )
    first = (
        Appointment.objects.filter(referral_id=OuterRef("referral_id"))
        .order_by("pk")
        .annotate(first=paris_day("starts_at"))
        .values("first")[:1]
    )
    return (
        _events(window, to_status=S.ACCEPTED, from_status=S.SUBMITTED)
        .annotate(received_on=Subquery(received), first_on=Subquery(first))
        .filter(received_on__isnull=False, first_on__isnull=False)
    )


def referrals_with_appointment_rows(window: Window) -> QuerySet:
    return _counted(_with_first_appointment(window))


def days_to_first_appointment_rows(window: Window) -> QuerySet:
    return (
        _with_first_appointment(window)
        .annotate(amount=DaysBetween(F("received_on"), F("first_on")))
        .values("site_id", "day", "key", "facet", "amount")
    )


def _referrals(**kwargs) -> Indicator:
    defaults = {
        "group": Group.REFERRALS,
        "dimension": stale_figures.REFERRALS,
        "facet_kind": FacetKind.PARTNER,
        "filters": FILTERS,
    }
    return Indicator(**{**defaults, **kwargs})


INDICATORS = [
    _referrals(
        code="referrals_received",
        label=_("Orientations reçues"),
        definition=_(
            "Bons d'orientation arrivés dans un espace pendant la période (envoyés par un "
            "partenaire, demandés sur le site public ou importés), une fois chacun. Un bon "
            "refusé à la modération n'est jamais arrivé ; un bon transféré compte dans "
            "l'espace qui le détient."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=_("Bons d'orientation et leur historique."),
        rows=referrals_received_rows,
        base="people_came",
    ),
    _referrals(
        code="referrals_accepted",
        label=_("Orientations acceptées"),
        definition=_(
            "Bons d'orientation acceptés pendant la période : l'espace a proposé un rendez-vous."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=_("Bons d'orientation et leur historique."),
        rows=referrals_accepted_rows,
        base="people_came",
    ),
    _referrals(
        code="people_came",
        label=_("Personnes orientées venues"),
        definition=_(
            "Personnes distinctes orientées vers un espace et venues au rendez-vous pendant "
            "la période (bon passé à « Personne venue »)."
        ),
        unit=Unit.PEOPLE,
        measure=Measure.PEOPLE,
        sources=_("Bons d'orientation, leur historique et le dossier de la personne venue."),
        rows=people_came_rows,
    ),
    _referrals(
        code="referral_wait_days",
        label=_("Jours d'attente avant le premier rendez-vous (total)"),
        definition=_(
            "Somme, pour les bons acceptés dans la période, des jours entre l'arrivée du bon "
            "dans l'espace et la date du premier rendez-vous proposé."
        ),
        unit=Unit.DAYS,
        measure=Measure.SUM,
        sources=_("Bons d'orientation, leur historique et leurs rendez-vous."),
        rows=days_to_first_appointment_rows,
        base="people_came",
    ),
    _referrals(
        code="referrals_with_appointment",
        label=_("Orientations avec un premier rendez-vous"),
        definition=_(
            "Bons d'orientation acceptés dans la période pour lesquels un rendez-vous a été "
            "proposé."
        ),
        unit=Unit.COUNT,
        measure=Measure.SUM,
        sources=_("Bons d'orientation, leur historique et leurs rendez-vous."),
        rows=referrals_with_appointment_rows,
        base="people_came",
    ),
    _referrals(
        code="days_to_first_appointment",
        label=_("Délai moyen avant le premier rendez-vous (jours)"),
        definition=_(
            "Nombre moyen de jours entre l'arrivée d'un bon d'orientation dans l'espace et "
            "la date du premier rendez-vous proposé, pour les bons acceptés dans la période "
            "(un rendez-vous reporté ne change pas ce délai)."
        ),
        unit=Unit.DAYS,
        measure=Measure.RATIO,
        sources=_("Bons d'orientation, leur historique et leurs rendez-vous."),
        numerator="referral_wait_days",
        denominator="referrals_with_appointment",
        base="people_came",
    ),
]
