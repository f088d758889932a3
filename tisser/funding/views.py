"""Pages of the funding app under /espace-pro/financements/: thin, one service call each.

Who may do what (docs/decisions/0036-funding.md): the network admin manages everything; a
site manager records and reads the lots received at their site; a funder's members read
their own conventions and dotations with the lots' totals; the accounting role reads the
tax receipts and their PDFs.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import paginate, submit_forms
from tisser.funding import forms, selectors, services, tax_receipts
from tisser.funding.enums import TaxReceiptStatus
from tisser.funding.models import Convention, DonationLot, Donor, Dotation, TaxReceipt

ADMIN = (Role.NETWORK_ADMIN,)
LOT_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)
CONVENTION_READERS = (Role.NETWORK_ADMIN, Role.FUNDER_VIEWER)
RECEIPT_READERS = (Role.NETWORK_ADMIN, Role.ACCOUNTANT)


def _scoped(model, *roles):
    """Out of scope is a 404 for everyone; in scope with the wrong role is a 403."""

    def decorator(view):
        return scoped_object(model)(require_roles(*roles)(view))

    return decorator


# --- donors ----------------------------------------------------------------------------


@require_roles(*ADMIN)
def donor_list(request):
    page = paginate(request, selectors.donor_list(membership=request.membership))
    return render(request, "funding/donor_list.html", {"page": page})


@require_roles(*ADMIN)
def donor_create(request):
    form = forms.DonorCreateForm(request.POST or None, membership=request.membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.donor_create(
            actor=request.membership,
            kind=form.cleaned_data["kind"],
            funder=form.cleaned_data.get("funder"),
            data=form.changes(),
        ),
    )
    if submission.succeeded:
        messages.success(
            request, _("Le donateur « %(name)s » a été ajouté.") % {"name": submission.result.name}
        )
        return redirect("funding:donor_list")
    return render(request, "funding/donor_form.html", {"form": form, "donor": None})


@_scoped(Donor, *ADMIN)
def donor_edit(request, obj):
    form = forms.DonorForm(request.POST or None, donor=obj)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.donor_update(
            actor=request.membership, donor=obj, data=form.changes()
        ),
    )
    if submission.succeeded:
        if submission.result:
            messages.success(request, _("Les modifications sont enregistrées."))
        else:
            messages.info(request, _("Aucune modification à enregistrer."))
        return redirect("funding:donor_list")
    return render(request, "funding/donor_form.html", {"form": form, "donor": obj})


@require_POST
@_scoped(Donor, *ADMIN)
def donor_toggle(request, obj):
    """Deactivate an active donor, reactivate an inactive one (a button on the list)."""
    active = not obj.is_active
    try:
        services.donor_set_active(actor=request.membership, donor=obj, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = (
            _("« %(name)s » est de nouveau un donateur actif.")
            if active
            else _("« %(name)s » est désactivé : aucun nouveau lot ne peut lui être rattaché.")
        )
        messages.success(request, message % {"name": obj.name})
    return redirect("funding:donor_list")


# --- conventions and dotations ---------------------------------------------------------


@require_roles(*CONVENTION_READERS)
def convention_list(request):
    page = paginate(request, selectors.convention_list(membership=request.membership))
    return render(request, "funding/convention_list.html", {"page": page})


@require_roles(*ADMIN)
def convention_create(request):
    form = forms.ConventionForm(request.POST or None, membership=request.membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.convention_create(
            actor=request.membership,
            funder=form.cleaned_data["funder"],
            data=form.changes(),
            sites=form.cleaned_data["sites"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La convention a été créée."))
        return redirect("funding:convention_detail", pk=submission.result.pk)
    return render(request, "funding/convention_form.html", {"form": form, "convention": None})


@_scoped(Convention, *CONVENTION_READERS)
def convention_detail(request, obj):
    dotations = selectors.convention_dotations(membership=request.membership, convention=obj)
    return render(
        request,
        "funding/convention_detail.html",
        {
            "convention": obj,
            "sites": obj.sites.order_by("name"),
            "dotations": dotations,
            "may_edit": request.membership.role == Role.NETWORK_ADMIN,
        },
    )


@_scoped(Convention, *ADMIN)
def convention_edit(request, obj):
    form = forms.ConventionForm(request.POST or None, membership=request.membership, convention=obj)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.convention_update(
            actor=request.membership,
            convention=obj,
            data=form.changes(),
            sites=form.cleaned_data["sites"],
        ),
    )
    if submission.succeeded:
        if submission.result:
            messages.success(request, _("Les modifications sont enregistrées."))
        else:
            messages.info(request, _("Aucune modification à enregistrer."))
        return redirect("funding:convention_detail", pk=obj.pk)
    return render(request, "funding/convention_form.html", {"form": form, "convention": obj})


@_scoped(Convention, *ADMIN)
def dotation_create(request, obj):
    form = forms.DotationForm(
        request.POST or None,
        initial={
            "year": obj.starts_on.year,
            "reporting_starts_on": obj.starts_on,
            "reporting_ends_on": obj.ends_on,
        },
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: services.dotation_create(
            actor=request.membership, convention=obj, data=form.changes()
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La dotation a été ajoutée."))
        return redirect("funding:convention_detail", pk=obj.pk)
    return render(
        request, "funding/dotation_form.html", {"form": form, "convention": obj, "dotation": None}
    )


@_scoped(Dotation, *ADMIN)
def dotation_edit(request, obj):
    form = forms.DotationForm(request.POST or None, dotation=obj)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.dotation_update(
            actor=request.membership, dotation=obj, data=form.changes()
        ),
    )
    if submission.succeeded:
        if submission.result:
            messages.success(request, _("Les modifications sont enregistrées."))
        else:
            messages.info(request, _("Aucune modification à enregistrer."))
        return redirect("funding:convention_detail", pk=obj.convention_id)
    return render(
        request,
        "funding/dotation_form.html",
        {"form": form, "convention": obj.convention, "dotation": obj},
    )


# --- lots ------------------------------------------------------------------------------


@require_roles(*LOT_ROLES)
def lot_list(request):
    membership = request.membership
    filters = forms.LotFilterForm(request.GET or None, membership=membership)
    lots = filters.filter(selectors.lot_list(membership=membership))
    return render(
        request,
        "funding/lot_list.html",
        {
            "filters": filters,
            "page": paginate(request, lots),
            "totals": selectors.lot_totals(lots),
            "show_site": membership.role == Role.NETWORK_ADMIN,
        },
    )


@require_roles(*LOT_ROLES)
def lot_create(request):
    form = forms.LotForm(request.POST or None, membership=request.membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.lot_record(
            actor=request.membership,
            donor=form.cleaned_data["donor"],
            site=form.cleaned_data["site"],
            dotation=form.cleaned_data.get("dotation"),
            data=form.changes(),
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le lot est enregistré."))
        return redirect("funding:lot_detail", pk=submission.result.pk)
    return render(request, "funding/lot_form.html", {"form": form})


@_scoped(DonationLot, *LOT_ROLES)
def lot_detail(request, obj):
    lot = DonationLot.objects.select_related(
        "donor", "site", "dotation__convention__funder", "tax_receipt", "recorded_by"
    ).get(pk=obj.pk)
    return render(request, "funding/lot_detail.html", {"lot": lot})


@_scoped(DonationLot, *LOT_ROLES)
def lot_correct(request, obj):
    lot = DonationLot.objects.select_related("donor", "site", "tax_receipt").get(pk=obj.pk)
    initial = {name: getattr(lot, name) for name in services.LOT_CORRECTABLE_FIELDS}
    form = forms.LotCorrectionForm(request.POST or None, initial=initial)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.lot_correct(actor=request.membership, lot=lot, data=form.changes()),
    )
    if submission.succeeded:
        if submission.result:
            messages.success(request, _("Le lot est corrigé."))
        else:
            messages.info(request, _("Rien n'a changé."))
        return redirect("funding:lot_detail", pk=lot.pk)
    return render(request, "funding/lot_correct.html", {"form": form, "lot": lot})


# --- tax receipts ----------------------------------------------------------------------


def _receipt_list_page(request, *, issue_form=None, status=200):
    membership = request.membership
    settings = selectors.tax_receipt_settings(membership=membership)
    is_admin = membership.role == Role.NETWORK_ADMIN
    context = {
        "page": paginate(request, selectors.tax_receipt_list(membership=membership)),
        "settings": settings,
        "refusal": tax_receipts.may_issue(settings),
        "is_admin": is_admin,
        # A second paginated list on the page, with its own page parameter.
        "to_issue": paginate(
            request, selectors.receipts_to_issue(membership=membership), param="a_emettre"
        )
        if is_admin
        else None,
        "issue_form": issue_form,
    }
    return render(request, "funding/tax_receipt_list.html", context, status=status)


@require_roles(*RECEIPT_READERS)
def tax_receipt_list(request):
    return _receipt_list_page(request)


@require_roles(*ADMIN)
def tax_receipt_settings(request):
    settings = selectors.tax_receipt_settings(membership=request.membership)
    initial = (
        {name: getattr(settings, name) for name in tax_receipts.SETTINGS_FIELDS}
        if settings
        else None
    )
    form = forms.TaxReceiptSettingsForm(request.POST or None, initial=initial)
    submission = submit_forms(
        request,
        form,
        action=lambda: tax_receipts.settings_update(actor=request.membership, data=form.changes()),
    )
    if submission.succeeded:
        messages.success(request, _("Les réglages des reçus fiscaux sont enregistrés."))
        return redirect("funding:tax_receipt_list")
    return render(request, "funding/tax_receipt_settings.html", {"form": form})


@require_POST
@require_roles(*ADMIN)
def tax_receipt_issue(request):
    form = forms.TaxReceiptIssueForm(request.POST, membership=request.membership)
    if not form.is_valid():
        # A tampered request (the buttons send ids of the list): the list again, nothing issued.
        messages.error(request, _("Ce donateur ou cette année ne peut pas recevoir de reçu."))
        return _receipt_list_page(request, issue_form=form, status=400)
    try:
        receipt = tax_receipts.tax_receipt_issue(
            actor=request.membership,
            donor=form.cleaned_data["donor"],
            year=form.cleaned_data["year"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("funding:tax_receipt_list")
    messages.success(
        request, _("Le reçu fiscal n° %(number)s est émis.") % {"number": receipt.number}
    )
    return redirect("funding:tax_receipt_detail", pk=receipt.pk)


@_scoped(TaxReceipt, *RECEIPT_READERS)
def tax_receipt_detail(request, obj):
    receipt = TaxReceipt.objects.select_related("donor", "issued_by").get(pk=obj.pk)
    lots = receipt.lots.select_related("site").order_by("received_on", "pk")
    return render(
        request,
        "funding/tax_receipt_detail.html",
        {
            "receipt": receipt,
            "document": tax_receipts.build_document(receipt),
            "lots": lots,
            "may_cancel": request.membership.role == Role.NETWORK_ADMIN
            and receipt.status == TaxReceiptStatus.ISSUED,
        },
    )


@_scoped(TaxReceipt, *RECEIPT_READERS)
def tax_receipt_pdf(request, obj):
    return pdf_response(
        "funding/pdf/tax_receipt.html",
        {"document": tax_receipts.build_document(obj)},
        request=request,
        filename=f"recu-fiscal-{obj.number}.pdf",
    )


@_scoped(TaxReceipt, *ADMIN)
def tax_receipt_cancel(request, obj):
    if obj.status != TaxReceiptStatus.ISSUED:
        raise Http404
    form = forms.TaxReceiptCancelForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: tax_receipts.tax_receipt_cancel(
            actor=request.membership, receipt=obj, reason=form.cleaned_data["reason"]
        ),
    )
    if submission.succeeded:
        messages.success(
            request,
            _("Le reçu fiscal n° %(number)s est annulé ; ses lots attendent un nouveau reçu.")
            % {"number": obj.number},
        )
        return redirect("funding:tax_receipt_detail", pk=obj.pk)
    return render(request, "funding/tax_receipt_cancel.html", {"form": form, "receipt": obj})
