"""Pages of access rights and quotas: a person's right and what remains, opening by
decision, suspension, closure, renewal request and decision, the site's list of rights,
the network's quota rules and settings. Thin views: role, scoped fetch, form, one service.
Who may do what: docs/decisions/0046-access-rights.md.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.views_helpers import paginate, submit_forms
from tisser.sales import forms, selectors, services
from tisser.sales.counter import SELL_ROLES
from tisser.sales.enums import RenewalDecision, RightStatus
from tisser.sales.models import AccessRight, AccessRightRenewal, QuotaRule
from tisser.sales.quotas import quota_remaining
from tisser.sales.services import (
    DECIDE_ROLES,
    NETWORK_ROLES,
    READ_ROLES,
    RENEWAL_REQUEST_ROLES,
    network_of,
    settings_for,
)


def _can(request, roles) -> bool:
    return request.membership is not None and request.membership.role in roles


def _person_page(request, beneficiary: Beneficiary, *, focus: AccessRight | None = None):
    today = clock.localdate()
    rights = selectors.person_rights(membership=request.membership, beneficiary=beneficiary)
    current = next((right for right in rights if right.is_current), None)
    status = current.status_on(today) if current else ""
    pending = None
    if current is not None:
        pending = next(
            (r for r in current.renewals.all() if r.decision == RenewalDecision.PENDING), None
        )
    settings = settings_for(network_of(beneficiary))
    running = status in (RightStatus.ACTIVE, RightStatus.SUSPENDED, RightStatus.FUTURE)
    return render(
        request,
        "sales/person.html",
        {
            "beneficiary": beneficiary,
            "rights": rights,
            "current": current,
            "status": status,
            "status_label": RightStatus(status).label if status else "",
            "pending": pending,
            "quotas": quota_remaining(beneficiary=beneficiary),
            "active": beneficiary.merged_into_id is None,
            "can_open": _can(request, DECIDE_ROLES) and not running,
            "can_decide": _can(request, DECIDE_ROLES),
            "can_request": _can(request, RENEWAL_REQUEST_ROLES)
            and current is not None
            and status != RightStatus.CLOSED
            and pending is None
            and current.renewals_used < settings.max_renewals,
            "focus": focus,
            "can_sell": _can(request, SELL_ROLES) and beneficiary.merged_into_id is None,
        },
    )


@require_roles(*READ_ROLES)
@scoped_object(Beneficiary, kwarg="beneficiary_id")
def person(request, beneficiary):
    return _person_page(request, beneficiary)


@require_roles(*READ_ROLES)
@scoped_object(AccessRight)
def right_detail(request, obj):
    return _person_page(request, obj.beneficiary, focus=obj)


@require_roles(*DECIDE_ROLES)
@scoped_object(Beneficiary, kwarg="beneficiary_id")
def right_open(request, beneficiary):
    form = forms.RightOpenForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.access_right_open(
            actor=request.membership,
            beneficiary=beneficiary,
            starts_on=form.cleaned_data["starts_on"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le droit d'accès solidaire est ouvert."))
        return redirect("sales:person", beneficiary_id=beneficiary.pk)
    return render(
        request,
        "sales/right_open.html",
        {"form": form, "beneficiary": beneficiary},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*DECIDE_ROLES)
@scoped_object(AccessRight)
def right_suspend(request, obj):
    form = forms.SuspendForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.access_right_suspend(
            actor=request.membership, right=obj, reason=form.cleaned_data["reason"]
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le droit d'accès est suspendu."))
        return redirect(obj)
    return render(
        request,
        "sales/right_form.html",
        {
            "form": form,
            "right": obj,
            "title": _("Suspendre le droit d'accès"),
            "submit": _("Suspendre"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@require_roles(*DECIDE_ROLES)
@scoped_object(AccessRight)
def right_resume(request, obj):
    try:
        services.access_right_resume(actor=request.membership, right=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La suspension est levée : le droit est de nouveau actif."))
    return redirect(obj)


@require_roles(*DECIDE_ROLES)
@scoped_object(AccessRight)
def right_close(request, obj):
    form = forms.CloseForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.access_right_close(
            actor=request.membership,
            right=obj,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le droit d'accès est clos."))
        return redirect(obj)
    return render(
        request,
        "sales/right_form.html",
        {"form": form, "right": obj, "title": _("Clore le droit d'accès"), "submit": _("Clore")},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*RENEWAL_REQUEST_ROLES)
@scoped_object(AccessRight)
def renewal_request(request, obj):
    form = forms.RenewalRequestForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.renewal_request(
            actor=request.membership, right=obj, note=form.cleaned_data["note"]
        ),
    )
    if submission.succeeded:
        messages.success(
            request, _("La demande de renouvellement est envoyée au responsable de l'espace.")
        )
        return redirect(obj)
    return render(
        request,
        "sales/right_form.html",
        {
            "form": form,
            "right": obj,
            "title": _("Demander le renouvellement"),
            "submit": _("Envoyer la demande"),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*DECIDE_ROLES)
@scoped_object(AccessRightRenewal)
def renewal_decide(request, obj):
    right = obj.access_right
    form = forms.RenewalDecisionForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.renewal_decide(
            actor=request.membership,
            renewal=obj,
            accept=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Votre décision est enregistrée."))
        return redirect(right)
    return render(
        request,
        "sales/renewal_decide.html",
        {"form": form, "right": right, "renewal": obj},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*READ_ROLES)
def right_list(request):
    filters = forms.RightFilterForm(request.GET or None)
    status, expiring = "", False
    if filters.is_valid():
        status, expiring = filters.cleaned_data["status"], filters.cleaned_data["expiring"]
    rights = selectors.right_list(membership=request.membership, status=status, expiring=expiring)
    page = paginate(request, rights)
    today = clock.localdate()
    for right in page:
        right.status_label = right.status_label_on(today)
        right.status_code = right.status_on(today)
    return render(
        request,
        "sales/right_list.html",
        {
            "filters": filters,
            "page": page,
            "can_manage_rules": _can(request, NETWORK_ROLES),
            "renewals": selectors.pending_renewals(membership=request.membership)[:10]
            if _can(request, DECIDE_ROLES)
            else [],
        },
    )


@require_roles(*NETWORK_ROLES)
def rule_list(request):
    return render(
        request,
        "sales/rule_list.html",
        {
            "page": paginate(request, selectors.rule_list(membership=request.membership)),
            "settings": settings_for(request.membership.organisation_id),
        },
    )


def _rule_form_page(request, rule: QuotaRule | None):
    offers = selectors.network_offers(membership=request.membership)
    form = forms.QuotaRuleForm(request.POST or None, instance=rule, offers=offers)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.quota_rule_save(
            actor=request.membership, data=form.changes(), rule=rule
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La règle de quota est enregistrée."))
        return redirect("sales:rule_list")
    return render(
        request,
        "sales/rule_form.html",
        {"form": form, "rule": rule},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*NETWORK_ROLES)
def rule_create(request):
    return _rule_form_page(request, None)


@require_roles(*NETWORK_ROLES)
@scoped_object(QuotaRule)
def rule_edit(request, obj):
    return _rule_form_page(request, obj)


@require_roles(*NETWORK_ROLES)
def settings_edit(request):
    instance = settings_for(request.membership.organisation_id)
    form = forms.SettingsForm(request.POST or None, instance=instance)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.access_right_settings_update(
            actor=request.membership, data=form.cleaned_data
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Les réglages des droits d'accès sont enregistrés."))
        return redirect("sales:rule_list")
    return render(
        request,
        "sales/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
