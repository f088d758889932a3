"""The team's results page of a finished diagnostic, and its one-page printout.

Network admins and the file's site team read it; another site's sitting is a 404. Each
read and each print names a person's skills: both are journaled (decision 0052).
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.core import journal
from tisser.core.access import require_roles, scoped_object
from tisser.core.pdf import pdf_response
from tisser.diagnostics import framework
from tisser.diagnostics.models import Diagnostic
from tisser.diagnostics.next_steps import staff_next_steps
from tisser.diagnostics.results import diagnostic_results, sitting_answers

RESULTS_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def _record(request, action: str, diagnostic: Diagnostic) -> None:
    with transaction.atomic():
        journal.record(
            actor=request.user,
            action=action,
            obj=diagnostic,
            site=diagnostic.beneficiary.site_id,
            payload={"file_number": diagnostic.beneficiary.file_number, "kind": diagnostic.kind},
        )


def _finished_or_redirect(request, diagnostic: Diagnostic):
    if diagnostic.is_finished:
        return None
    messages.warning(
        request, _("Ce diagnostic n'est pas terminé : il n'a pas encore de résultats.")
    )
    return redirect("beneficiaries:detail", pk=diagnostic.beneficiary_id)


@require_roles(*RESULTS_ROLES)
@scoped_object(Diagnostic)
@require_http_methods(["GET"])
def results(request, obj):
    refused = _finished_or_redirect(request, obj)
    if refused:
        return refused
    _record(request, "diagnostic.results_viewed", obj)
    return render(
        request,
        "diagnostics/results.html",
        {
            "diagnostic": obj,
            "beneficiary": obj.beneficiary,
            "results": diagnostic_results(obj),
            "answers": sitting_answers(obj),
            # What the apps above say next (the modules), registered in their ready().
            "next_steps": staff_next_steps(obj, request.membership),
        },
    )


@require_roles(*RESULTS_ROLES)
@scoped_object(Diagnostic)
@require_http_methods(["GET"])
def results_pdf(request, obj):
    """One A4 page for the person: plain French, a pictogram and stars per domain, what to
    do next. First name only; nothing of the team's notes or the context questions."""
    refused = _finished_or_redirect(request, obj)
    if refused:
        return refused
    _record(request, "diagnostic.results_printed", obj)
    found = diagnostic_results(obj)
    # The pictograms are the framework's own files (content/skills/pictures), inlined.
    domains = [(row, framework.picture_svg(row.code)) for row in found.levels]
    return pdf_response(
        "diagnostics/pdf/results.html",
        {
            "diagnostic": obj,
            "first_name": obj.beneficiary.first_name,
            "site": obj.site,
            "results": found,
            "domains": domains,
        },
        request=request,
        filename=f"resultats-diagnostic-{obj.beneficiary.file_number}.pdf",
    )
