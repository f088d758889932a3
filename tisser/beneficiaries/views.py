"""Pages of the person's file: search, walk-in creation, file, edit, consents, merge.

Thin views: role check (wrong role: 403), scoped fetch (another site's file: 404), form,
one service call, redirect. Who may do what: docs/decisions/0005-beneficiary-file.md.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.enums import Role
from tisser.beneficiaries import forms, selectors, services
from tisser.beneficiaries.duplicates import duplicates_of
from tisser.beneficiaries.enums import (
    CURRENT_NOTICE_VERSION,
    ConsentKind,
    EligibilityCriterion,
    PeriodOpening,
)
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, is_jobseeker
from tisser.beneficiaries.services import (
    ANONYMISE_ROLES,
    CONSENT_ROLES,
    CREATE_ROLES,
    EDIT_ROLES,
    HOUSEHOLD_ROLES,
    MERGE_ROLES,
    NOTE_ROLES,
    PERIOD_CLOSE_ROLES,
    PERIOD_OPEN_ROLES,
    READ_ROLES,
    DuplicateSuspected,
)
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.pdf import pdf_response
from tisser.core.phones import display_phone
from tisser.core.timeline import beneficiary_actions, beneficiary_timeline
from tisser.core.views_helpers import FORM_HAS_ERRORS, submit_forms


def _file_view(*roles):
    """The role first (a partner or a funder gets 403), then the file in scope (else 404)."""

    def decorator(view):
        return require_roles(*roles)(scoped_object(Beneficiary)(view))

    return decorator


def _can(request, roles) -> bool:
    return request.membership is not None and request.membership.role in roles


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips (decision 0018 §26)
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
    active = beneficiary.merged_into_id is None
    periods = selectors.period_list(membership=request.membership, beneficiary=beneficiary)
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
            "actions": beneficiary_actions(beneficiary, request.membership),
            "consents": consents,
            "givable_kinds": [
                (kind, label) for kind, label in ConsentKind.choices if kind not in active_kinds
            ],
            "can_consent": can_consent,
            "can_edit": _can(request, EDIT_ROLES) and beneficiary.merged_into_id is None,
            "can_merge": _can(request, MERGE_ROLES) and beneficiary.merged_into_id is None,
            "can_anonymise": _may_anonymise(request.membership, beneficiary),
            "is_jobseeker": is_jobseeker(beneficiary),
            "household": selectors.household_members(
                membership=request.membership, beneficiary=beneficiary
            ),
            "can_household": _can(request, HOUSEHOLD_ROLES) and active,
            "periods": periods,
            "open_period": next((p for p in periods if p.is_open), None),
            "can_open_period": _can(request, PERIOD_OPEN_ROLES) and active,
            "can_close_period": _can(request, PERIOD_CLOSE_ROLES) and active,
            "can_read_notes": _can(request, NOTE_ROLES)
            and request.membership.organisation_id == beneficiary.site_id,
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


# --- anonymisation (issue 16, decision 0055) -----------------------------------------------


def _may_anonymise(membership, beneficiary) -> bool:
    """The network admin, or the manager of the file's own site; a file still in use."""
    if membership is None or membership.role not in ANONYMISE_ROLES:
        return False
    if membership.role == Role.SITE_MANAGER and membership.organisation_id != beneficiary.site_id:
        return False
    return beneficiary.merged_into_id is None and beneficiary.anonymised_at is None


@_file_view(*ANONYMISE_ROLES)
def anonymise(request, obj):
    """The confirmation page (irreversible), then the anonymisation."""
    if (
        obj.merged_into_id is None
        and obj.anonymised_at is None
        and not _may_anonymise(request.membership, obj)
    ):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            services.beneficiary_anonymise(actor=request.membership, beneficiary=obj)
        except DomainError as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("Le dossier n° %(number)s est anonymisé.") % {"number": obj.file_number},
            )
            return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "beneficiaries/anonymise.html",
        {"beneficiary": obj, "error": error},
        status=400 if error else 200,
    )


# --- accompaniment periods -----------------------------------------------------------------


@require_POST
@_file_view(*PERIOD_OPEN_ROLES)
def period_open(request, obj):
    """Open a period from the file page (a visit before the activities are recorded)."""
    try:
        _period, created = services.accompaniment_period_open_if_none(
            actor=request.membership,
            beneficiary=obj,
            site=obj.site,
            on=clock.localdate(),
            opened_by=PeriodOpening.STAFF,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, _("L'accompagnement de la personne commence aujourd'hui."))
        else:
            messages.info(request, _("Un accompagnement est déjà en cours pour cette personne."))
    return redirect("beneficiaries:detail", pk=obj.pk)


@_file_view(*PERIOD_CLOSE_ROLES)
def period_close(request, obj):
    period = AccompanimentPeriod.objects.open().filter(beneficiary=obj).first()
    if period is None:
        messages.info(request, _("Aucun accompagnement n'est en cours pour cette personne."))
        return redirect("beneficiaries:detail", pk=obj.pk)
    form = forms.PeriodCloseForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.accompaniment_period_close(
            actor=request.membership,
            period=period,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'accompagnement est terminé."))
        return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "beneficiaries/period_close.html",
        {"form": form, "beneficiary": obj, "period": period},
        status=400 if request.method == "POST" else 200,
    )


# --- notes ---------------------------------------------------------------------------------


@_file_view(*NOTE_ROLES)
def notes(request, obj):
    """The file's notes (site team of the file's site only) and the form to add one."""
    if request.membership.organisation_id != obj.site_id:
        raise PermissionDenied
    form = forms.NoteForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.file_note_create(
            actor=request.membership, beneficiary=obj, text=form.cleaned_data["text"]
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La note est enregistrée."))
        return redirect("beneficiaries:notes", pk=obj.pk)
    page = selectors.note_page(
        membership=request.membership, beneficiary=obj, page=request.GET.get("page")
    )
    services.file_notes_record_read(actor=request.membership, beneficiary=obj, page=page.number)
    return render(
        request,
        "beneficiaries/notes.html",
        {"form": form, "beneficiary": obj, "page": page},
        status=400 if request.method == "POST" else 200,
    )


# Who hands the information notice to a person: the referrer before sending a bon, the
# site's team at the welcome. It holds no personal data, so it is not journaled.
NOTICE_ROLES = (*READ_ROLES, Role.PARTNER_REFERRER)


@require_roles(*NOTICE_ROLES)
def notice_pdf(request):
    """The current information notice as a one-page PDF to print and give to the person."""
    organisation = request.membership.organisation
    network = organisation if organisation.network_id is None else organisation.network
    return pdf_response(
        "beneficiaries/pdf/information_notice.html",
        {"network": network, "version": CURRENT_NOTICE_VERSION},
        request=request,
        filename=f"notice-information-{CURRENT_NOTICE_VERSION}.pdf",
    )


# --- household -----------------------------------------------------------------------------


@_file_view(*HOUSEHOLD_ROLES)
def household(request, obj):
    """Who lives with this person: link another file by its number, or take this one out."""
    if obj.merged_into_id is not None:
        messages.error(request, _("Ce dossier a été fusionné : ouvrez le dossier conservé."))
        return redirect(obj)
    form = forms.HouseholdLinkForm(request.POST or None, membership=request.membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.household_link(
            actor=request.membership, beneficiary=obj, other=form.other
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Les deux dossiers font maintenant partie du même foyer."))
        return redirect("beneficiaries:detail", pk=obj.pk)
    return render(
        request,
        "beneficiaries/household.html",
        {
            "form": form,
            "beneficiary": obj,
            "members": selectors.household_members(membership=request.membership, beneficiary=obj),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@_file_view(*HOUSEHOLD_ROLES)
def household_leave(request, obj):
    try:
        services.household_leave(actor=request.membership, beneficiary=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La personne ne fait plus partie de ce foyer."))
    return redirect("beneficiaries:detail", pk=obj.pk)
