"""Pages of the person's file: search, walk-in creation, file, edit, consents, merge.

Thin views: role check (wrong role: 403), scoped fetch (another site's file: 404), form,
one service call, redirect. Who may do what: docs/decisions/0005-beneficiary-file.md.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.beneficiaries import forms, selectors, services
from tisser.beneficiaries.duplicates import duplicates_of
from tisser.beneficiaries.enums import ConsentKind, EligibilityCriterion
from tisser.beneficiaries.models import Beneficiary
from tisser.beneficiaries.services import (
    CONSENT_ROLES,
    CREATE_ROLES,
    EDIT_ROLES,
    MERGE_ROLES,
    READ_ROLES,
    DuplicateSuspected,
)
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.phones import display_phone
from tisser.core.timeline import beneficiary_timeline
from tisser.core.views_helpers import FORM_HAS_ERRORS, submit_forms


def _file_view(*roles):
    """The role first (a partner or a funder gets 403), then the file in scope (else 404)."""

    def decorator(view):
        return require_roles(*roles)(scoped_object(Beneficiary)(view))

    return decorator


def _can(request, roles) -> bool:
    return request.membership is not None and request.membership.role in roles


@require_roles(*READ_ROLES)
def search(request):
    form = forms.SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = selectors.beneficiary_search(
        membership=request.membership, query=query, page=request.GET.get("page")
    )
    return render(
        request,
        "beneficiaries/search.html",
        {"form": form, "result": result, "can_create": _can(request, CREATE_ROLES)},
    )


@require_roles(*CREATE_ROLES)
def create(request):
    form = forms.WalkInForm(request.POST or None, membership=request.membership)
    candidates = []
    if request.method == "POST":
        if form.is_valid():
            try:
                beneficiary = services.beneficiary_create(
                    actor=request.membership,
                    site=form.cleaned_data["site"],
                    data=form.changes(),
                    consents=form.cleaned_data["consents"],
                    force=form.cleaned_data["confirm_new"],
                )
            except DuplicateSuspected as suspected:
                candidates = suspected.candidates
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Le dossier n° %(number)s est ouvert.") % {"number": beneficiary.file_number},
                )
                return redirect(beneficiary)
        if not candidates:
            messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "beneficiaries/create.html",
        {"form": form, "candidates": candidates},
        status=400 if request.method == "POST" else 200,
    )


@_file_view(*READ_ROLES)
def detail(request, obj):
    beneficiary = selectors.beneficiary_detail(membership=request.membership, pk=obj.pk)
    services.beneficiary_record_view(actor=request.membership, beneficiary=beneficiary)
    consents = list(beneficiary.consents.all())
    active_kinds = {c.kind for c in consents if c.withdrawn_at is None}
    can_consent = _can(request, CONSENT_ROLES) and beneficiary.merged_into_id is None
    return render(
        request,
        "beneficiaries/detail.html",
        {
            "beneficiary": beneficiary,
            "phone": display_phone(beneficiary.phone),
            "criteria": [
                str(label)
                for code, label in EligibilityCriterion.choices
                if code in beneficiary.eligibility_criteria
            ],
            "timeline": beneficiary_timeline(beneficiary),
            "consents": consents,
            "givable_kinds": [
                (kind, label) for kind, label in ConsentKind.choices if kind not in active_kinds
            ],
            "can_consent": can_consent,
            "can_edit": _can(request, EDIT_ROLES) and beneficiary.merged_into_id is None,
            "can_merge": _can(request, MERGE_ROLES) and beneficiary.merged_into_id is None,
        },
    )


@_file_view(*EDIT_ROLES)
def edit(request, obj):
    if obj.merged_into_id is not None:
        messages.error(request, _("Ce dossier a été fusionné : modifiez le dossier conservé."))
        return redirect(obj)
    # The form works on its own copy: ``obj`` keeps the stored values for the heading.
    form = forms.BeneficiaryForm(request.POST or None, instance=Beneficiary.objects.get(pk=obj.pk))
    submission = submit_forms(
        request,
        form,
        action=lambda: services.beneficiary_update(
            actor=request.membership, beneficiary=obj, data=form.changes()
        ),
    )
    if submission.succeeded:
        if submission.result:
            messages.success(request, _("Les modifications sont enregistrées."))
        else:
            messages.info(request, _("Aucune modification à enregistrer."))
        return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "beneficiaries/edit.html",
        {"form": form, "beneficiary": obj},
        status=400 if request.method == "POST" else 200,
    )


def _consent_action(request, obj, service, done_message):
    form = forms.ConsentForm(request.POST, prefix="consent")
    if not form.is_valid():
        messages.error(request, _("Choisissez un consentement de la liste."))
        return redirect("beneficiaries:detail", pk=obj.pk)
    try:
        service(actor=request.membership, beneficiary=obj, kind=form.cleaned_data["kind"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        label = ConsentKind(form.cleaned_data["kind"]).label
        messages.success(request, done_message % {"consent": label})
    return redirect("beneficiaries:detail", pk=obj.pk)


@require_POST
@_file_view(*CONSENT_ROLES)
def consent_give(request, obj):
    return _consent_action(
        request, obj, services.consent_give, _("Consentement enregistré : %(consent)s.")
    )


@require_POST
@_file_view(*CONSENT_ROLES)
def consent_withdraw(request, obj):
    return _consent_action(
        request, obj, services.consent_withdraw, _("Consentement retiré : %(consent)s.")
    )


@_file_view(*MERGE_ROLES)
def merge(request, obj):
    if obj.merged_into_id is not None:
        messages.error(request, _("Ce dossier a déjà été fusionné dans un autre dossier."))
        return redirect(obj)
    candidates = duplicates_of(obj, membership=request.membership)
    form = forms.MergeForm(
        request.POST or None,
        membership=request.membership,
        beneficiary=obj,
        candidates=candidates,
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: services.beneficiary_merge(
            actor=request.membership,
            kept=obj,
            duplicate=form.duplicate_file,
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        messages.success(
            request,
            _("Le dossier n° %(duplicate)s est fusionné dans ce dossier.")
            % {"duplicate": form.duplicate_file.file_number},
        )
        return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "beneficiaries/merge.html",
        {"form": form, "beneficiary": obj, "candidates": candidates},
        status=400 if request.method == "POST" else 200,
    )
