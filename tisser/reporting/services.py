"""Writes of the reporting app: figures from before Tisser, PDF reports asked for and
prepared (decision 0055). Each journals in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.reporting.enums import ReportKind, ReportStatus
from tisser.reporting.historic import HISTORIC_INDICATORS
from tisser.reporting.models import HistoricFigure, ReportRequest
from tisser.reporting.selection import ALL_READERS

HISTORIC_FIELDS = ("year", "indicator", "value", "source")
ERROR_LENGTH = 300


def _require_role(actor: Membership, *roles: str) -> None:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        messages = [message for values in error.message_dict.values() for message in values]
        raise DomainError(" ".join(messages)) from error


# --- figures from before Tisser -----------------------------------------------------------


def historic_figure_save(
    *,
    actor: Membership,
    site: Site,
    data: Mapping[str, Any],
    figure: HistoricFigure | None = None,
) -> HistoricFigure:
    """A network admin enters (``figure`` None) or corrects a figure from before Tisser for
    one of the network's sites: one figure per site, year and indicator."""
    _require_role(actor, Role.NETWORK_ADMIN)
    unknown = set(data) - set(HISTORIC_FIELDS)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    if site.network_id != actor.organisation_id:
        raise DomainError(_("Cet espace n'est pas dans votre réseau."))
    if data.get("indicator") not in HISTORIC_INDICATORS:
        raise DomainError(_("Choisissez un indicateur de la liste."))
    if not data.get("year") or data["year"] > clock.localdate().year:
        raise DomainError(_("L'année ne peut pas être dans le futur."))
    with transaction.atomic():
        if figure is None:
            figure = HistoricFigure(site=site, entered_by=actor.user, **data)
            action = "historic_figure.created"
        else:
            figure = HistoricFigure.objects.select_for_update().get(pk=figure.pk)
            if figure.site.network_id != actor.organisation_id:
                raise DomainError(_("Cet espace n'est pas dans votre réseau."))
            figure.site = site
            for name, value in data.items():
                setattr(figure, name, value)
            figure.entered_by = actor.user
            action = "historic_figure.updated"
        taken = HistoricFigure.objects.filter(
            site=site, year=data["year"], indicator=data["indicator"]
        ).exclude(pk=figure.pk)
        if taken.exists():
            raise DomainError(
                _(
                    "Un chiffre existe déjà pour cet espace, cette année et cet indicateur : "
                    "modifiez-le plutôt."
                )
            )
        _full_clean(figure, validate_unique=False)
        figure.save()
        record(
            actor=actor.user,
            action=action,
            obj=figure,
            site=site,
            payload={
                "year": figure.year,
                "indicator": figure.indicator,
                "value": figure.value,
            },
        )
    return figure


def historic_figure_delete(*, actor: Membership, figure: HistoricFigure) -> None:
    _require_role(actor, Role.NETWORK_ADMIN)
    with transaction.atomic():
        figure = HistoricFigure.objects.select_for_update().select_related("site").get(pk=figure.pk)
        if figure.site.network_id != actor.organisation_id:
            raise DomainError(_("Cet espace n'est pas dans votre réseau."))
        record(
            actor=actor.user,
            action="historic_figure.deleted",
            obj=figure,
            site=figure.site_id,
            payload={"year": figure.year, "indicator": figure.indicator, "value": figure.value},
        )
        figure.delete()


# --- PDF reports --------------------------------------------------------------------------

REPORT_ROLES: dict[str, tuple[str, ...]] = {
    # The report of a dashboard's filters: whoever reads the dashboard (their own scope).
    ReportKind.FUNDER: ALL_READERS,
    ReportKind.YEARLY: (Role.NETWORK_ADMIN,),
}


def report_request_create(
    *, actor: Membership, kind: str, filters: Mapping[str, Any]
) -> ReportRequest:
    """Ask for a PDF report: queued now, prepared by a task once the request is saved."""
    if kind not in REPORT_ROLES:
        raise DomainError(_("Ce type de rapport n'existe pas."))
    _require_role(actor, *REPORT_ROLES[kind])
    from tisser.reporting.tasks import prepare_report

    with transaction.atomic():
        report = ReportRequest(
            organisation_id=actor.organisation_id,
            requested_by=actor.user,
            kind=kind,
            filters=dict(filters),
            status=ReportStatus.QUEUED,
        )
        # No filters (the dashboard's defaults) is an empty dict, which full_clean calls blank.
        _full_clean(report, exclude=["filters"])
        report.save()
        record(
            actor=actor.user,
            action="report.requested",
            obj=report,
            payload={"kind": kind, "role": actor.role},
        )
        # Only the id goes to the queue: the task reads the rest from the database.
        transaction.on_commit(partial(prepare_report.enqueue, report.pk))
    return report


def report_start(report_id: int) -> ReportRequest | None:
    """Take a queued report (once: a second run of the same task finds it taken)."""
    with transaction.atomic():
        report = (
            ReportRequest.objects.select_for_update()
            .filter(pk=report_id, status=ReportStatus.QUEUED)
            .defer("pdf")
            .first()
        )
        if report is None:
            return None
        report.status = ReportStatus.RUNNING
        report.save(update_fields=["status", "updated_at"])
    return report


def report_finish(report: ReportRequest, *, pdf: bytes) -> None:
    report.status = ReportStatus.READY
    report.pdf = pdf
    report.finished_at = clock.now()
    report.error = ""
    report.save(update_fields=["status", "pdf", "finished_at", "error", "updated_at"])


def report_fail(report: ReportRequest, *, error: str) -> None:
    report.status = ReportStatus.FAILED
    report.finished_at = clock.now()
    report.error = error[:ERROR_LENGTH]
    report.save(update_fields=["status", "finished_at", "error", "updated_at"])


def report_downloaded(*, actor: Membership, report: ReportRequest) -> None:
    with transaction.atomic():
        record(
            actor=actor.user,
            action="report.downloaded",
            obj=report,
            payload={"kind": report.kind, "role": actor.role},
        )
