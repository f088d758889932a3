"""PDF reports: ask for one, follow its preparation, download it when ready.

A funder's members see the reports asked for by their organisation only (``ReportRequest``
is scoped by organisation); a network admin sees those of the network. Each download is
journaled.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.views_helpers import paginate
from tisser.reporting import services
from tisser.reporting.enums import ReportKind, ReportStatus
from tisser.reporting.models import ReportRequest
from tisser.reporting.selection import ALL_READERS

# The saved filters are the dashboard's query string: a few short values at most.
MAX_FILTERS, MAX_FILTER_LENGTH = 20, 200
FIRST_REPORT_YEAR = 2000


class YearlyReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_lazy("Année"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = clock.localdate().year
        self.fields["year"].choices = [
            (year, str(year)) for year in range(this_year, FIRST_REPORT_YEAR - 1, -1)
        ]
        self.fields["year"].initial = this_year - 1


def _filters(query) -> dict:
    """The dashboard's filters to prepare the report with (bounded: no huge payload)."""
    found = {}
    for key in list(query.keys())[:MAX_FILTERS]:
        values = [value[:MAX_FILTER_LENGTH] for value in query.getlist(key)[:MAX_FILTERS]]
        found[key[:MAX_FILTER_LENGTH]] = values
    return found


@require_http_methods(["GET", "POST"])
# Whoever may open a dashboard may take its figures away (pages.read checks the kind).
@require_roles(*ALL_READERS)
def report_request(request):
    """Ask for a report: the funder report of the dashboard's filters (the action URL's
    query string), or, for a network admin, the yearly activity report (``year``).

    The dashboard links here (GET): a page asks to confirm, and its button POSTs the same
    query string."""
    if request.method == "GET":
        return render(request, "reporting/report_confirm.html", {"query": request.GET.urlencode()})
    kind = request.POST.get("kind", ReportKind.FUNDER)
    if kind == ReportKind.YEARLY:
        form = YearlyReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choisissez l'année du rapport dans la liste."))
            return redirect("reporting:report_list")
        filters = {"year": form.cleaned_data["year"]}
    else:
        filters = _filters(request.GET)
    try:
        services.report_request_create(actor=request.membership, kind=kind, filters=filters)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _(
                "Votre rapport est en préparation. Il apparaît dans la liste ci-dessous ; "
                "rechargez la page dans une minute pour le télécharger."
            ),
        )
    return redirect("reporting:report_list")


@require_roles(*ALL_READERS)
def report_list(request):
    reports = (
        ReportRequest.objects.visible_to(request.membership)
        .defer("pdf")
        .select_related("requested_by", "organisation")
        .order_by("-created_at", "-pk")
    )
    context = {
        "page": paginate(request, reports),
        "yearly_form": (
            YearlyReportForm() if request.membership.role == Role.NETWORK_ADMIN else None
        ),
        "ready": ReportStatus.READY,
        "failed": ReportStatus.FAILED,
    }
    return render(request, "reporting/report_list.html", context)


@scoped_object(ReportRequest)
@require_roles(*ALL_READERS)
def report_download(request, obj):
    if obj.status != ReportStatus.READY or not obj.pdf:
        messages.info(request, _("Ce rapport n'est pas encore prêt."))
        return redirect("reporting:report_list")
    services.report_downloaded(actor=request.membership, report=obj)
    day = (obj.finished_at or clock.now()).strftime("%Y-%m-%d")
    response = HttpResponse(bytes(obj.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-{obj.kind}-{obj.pk}-{day}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
