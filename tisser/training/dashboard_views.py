"""The programme dashboard, its XLSX export for the funder, and the referring partner's
list of the people it referred (docs/decisions/0054-training.md, helper D).

- The network admin reads every programme of the network; a site manager the cohorts of
  their site; a funder's member the programmes whose convention it funds, aggregated with
  the « moins de 10 » rule. Any other programme is a 404, as an out-of-scope object is.
- The export is always aggregated (it is made for the funding partner).
- A partner's referrer sees names, hours attended and certificates of the people their
  organisation referred, nobody else; each page read is journaled.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.core.access import require_roles
from tisser.core.exports import xlsx_response
from tisser.core.journal import record_page_read
from tisser.core.views_helpers import paginate
from tisser.training import dashboard, reporting
from tisser.training.dashboard_forms import DashboardFilterForm
from tisser.training.reporting import DASHBOARD_READERS, ProgrammeFilter

PARTNER_READERS = (Role.PARTNER_REFERRER,)


def _report(request):
    """The filter form and the report it asks for (404 for a programme out of reach)."""
    membership = request.membership
    form = DashboardFilterForm(request.GET or None, membership=membership)
    if form.is_bound and not form.is_valid() and "programme" in form.errors:
        raise Http404
    programme = form.chosen_programme()
    if programme is None:
        return form, None
    flt = ProgrammeFilter(
        programme=programme,
        site_ids=form.site_ids(),
        cohort_id=form.cohort_id(),
        start=form.cleaned("start"),
        end=form.cleaned("end"),
    )
    report = reporting.programme_report(flt, site_ids=reporting.reader_site_ids(membership))
    return form, report


@require_roles(*DASHBOARD_READERS)
def programme_dashboard(request):
    form, report = _report(request)
    aggregated = request.membership.role == Role.FUNDER_VIEWER
    context = {"form": form, "report": report, "aggregated": aggregated}
    if report is not None:
        context["dashboard"] = dashboard.build(report, aggregated=aggregated)
        context["export_query"] = request.GET.urlencode()
    return render(request, "training/dashboard/dashboard.html", context)


@require_roles(*DASHBOARD_READERS)
def programme_dashboard_export(request):
    """The figures as one XLSX sheet, always with the « moins de 10 » rule."""
    form, report = _report(request)
    if report is None:
        raise Http404
    tables = dashboard.build(report, aggregated=True)
    preamble = [
        [_("Programme"), report.programme.name],
        *([str(label), value] for label, value in form.described()),
        [_("Exporté le"), timezone.localtime(clock.now())],
        [
            _("Règle"),
            _("Tout chiffre tiré de moins de 10 personnes est remplacé par « moins de 10 »."),
        ],
        [],
    ]
    header = [_("Niveau"), _("Nom"), *(column.heading for column in tables.columns)]
    stamp = clock.localdate().strftime("%Y-%m-%d")
    return xlsx_response(
        filename=f"programme-{report.programme.pk}-{stamp}.xlsx",
        sheet_title=_("Programme"),
        header=header,
        rows=dashboard.spreadsheet_rows(tables),
        preamble=preamble,
    )


@require_roles(*PARTNER_READERS)
def referred_people(request):
    """The people the reader's organisation referred: names, hours, certificate."""
    membership = request.membership
    page = paginate(request, reporting.referred_enrolments(membership=membership))
    for enrolment in page:
        enrolment.attended_hours = dashboard.hours_text(enrolment.attended)
    record_page_read(
        request, action="training.referred_people_viewed", obj=membership.organisation, site=None
    )
    return render(request, "training/dashboard/referred_people.html", {"page": page})
