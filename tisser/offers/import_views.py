"""Pages of the bulk stock receipt: upload, preview, confirm, templates (thin views)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.exports import csv_response
from tisser.core.views_helpers import FORM_HAS_ERRORS, PAGE_SIZE, paginate
from tisser.offers import receipts
from tisser.offers.enums import Tracking
from tisser.offers.flow_forms import SingleReceiptForm, StockImportUploadForm
from tisser.offers.imports import rows, services
from tisser.offers.models import StockImport

IMPORT_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)


@require_roles(*IMPORT_ROLES)
def index(request):
    """The upload form and the site's earlier imports (paginated)."""
    membership = request.membership
    form = StockImportUploadForm(request.POST or None, request.FILES or None, membership=membership)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                stock_import = services.stock_import_prepare(
                    actor=membership,
                    site=form.target_site(),
                    kind=form.cleaned_data["kind"],
                    offer=form.cleaned_data["offer"],
                    lot=form.cleaned_data.get("lot"),
                    device_status=form.cleaned_data.get("device_status") or "",
                    file_name=upload.name,
                    content=upload.read(),
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                return redirect("offers:import_preview", pk=stock_import.pk)
        messages.error(request, FORM_HAS_ERRORS)
    page = paginate(request, services.stock_import_list(actor=membership))
    return render(
        request,
        "offers/flow/import_index.html",
        {
            "form": form,
            "page": page,
            "device_columns": rows.DEVICE_COLUMNS,
            "voucher_columns": rows.VOUCHER_COLUMNS,
        },
        status=400 if form.errors else 200,
    )


def _preview_page(request, stock_import, *, error=None, status=200):
    context = {"stock_import": stock_import, "error": error}
    try:
        preview = services.stock_import_preview(stock_import=stock_import)
    except DomainError as refused:
        context["expired"] = refused.message
        return render(request, "offers/flow/import_preview.html", context, status=status)
    listed = preview.problems if preview.counts["problem"] else preview.rows
    context.update(
        preview=preview,
        counts=preview.counts,
        page=Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page")),
        is_devices=stock_import.kind == Tracking.DEVICE,
    )
    return render(request, "offers/flow/import_preview.html", context, status=status)


@scoped_object(StockImport)
@require_roles(*IMPORT_ROLES)
def preview(request, obj):
    if obj.confirmed_at is not None:
        messages.info(request, _("Ce fichier est déjà importé."))
        return redirect("offers:import_index")
    return _preview_page(request, obj)


@require_POST
@scoped_object(StockImport)
@require_roles(*IMPORT_ROLES)
def confirm(request, obj):
    try:
        done = services.stock_import_confirm(actor=request.membership, stock_import=obj)
    except DomainError as refused:
        return _preview_page(request, obj, error=refused.message, status=400)
    messages.success(
        request,
        _(
            "Import terminé : %(created)s ajouté(s) au stock, %(skipped)s ligne(s) déjà en stock "
            "ou en double, ignorée(s)."
        )
        % {"created": done.rows_created, "skipped": done.rows_skipped},
    )
    return redirect("offers:import_index")


def _template(kind: str, filename: str):
    """An empty file to fill in: the columns and one example row (the shared CSV helper)."""
    return csv_response(
        filename=filename, header=rows.COLUMNS[kind], rows=[rows.TEMPLATE_EXAMPLES[kind]]
    )


@require_roles(*IMPORT_ROLES)
def template_devices(request):
    return _template(Tracking.DEVICE, "modele-appareils.csv")


@require_roles(*IMPORT_ROLES)
def template_vouchers(request):
    return _template(Tracking.VOUCHER, "modele-codes.csv")


# The column of the file each receipt problem names -> the field of the single receipt form.
SINGLE_FIELDS = {
    "numero_serie": "serial_number",
    "imei": "imei",
    "marque": "brand",
    "grade": "grade",
    "code": "code",
    "date_expiration": "expires_on",
}


@require_roles(*IMPORT_ROLES)
def receive_one(request):
    """One device or one code received by hand, then the form again for the next one."""
    membership = request.membership
    form = SingleReceiptForm(request.POST or None, membership=membership)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            offer = data["offer"]
            try:
                if offer.tracking == Tracking.DEVICE:
                    receipt = receipts.devices_receive(
                        actor=membership,
                        site=form.target_site(),
                        offer=offer,
                        lot=data.get("lot"),
                        status=data.get("device_status") or None,
                        items=[
                            receipts.DeviceIn(
                                row=1,
                                serial_number=data["serial_number"],
                                imei=data["imei"],
                                brand=data["brand"],
                                model_name=data["model_name"],
                                grade=data["grade"],
                            )
                        ],
                    )
                    done = _("Appareil reçu : numéro d'inventaire %(id)s.") % {
                        "id": receipt.devices[0].inventory_id
                    }
                else:
                    receipts.vouchers_receive(
                        actor=membership,
                        site=form.target_site(),
                        offer=offer,
                        lot=data.get("lot"),
                        items=[
                            receipts.VoucherIn(
                                row=1,
                                code=data["code"],
                                serial=data["voucher_serial"],
                                expires_on=data.get("expires_on"),
                            )
                        ],
                    )
                    done = _("Code reçu en stock.")
            except receipts.ReceiptError as error:
                for _row, column, message in error.problems:
                    form.add_error(SINGLE_FIELDS.get(column), message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, done)
                return redirect("offers:receive_one")
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "offers/flow/receive_one.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
