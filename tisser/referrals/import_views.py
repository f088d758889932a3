"""Pages to import a list of people to refer: upload, preview, confirm (thin views)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.views_helpers import FORM_HAS_ERRORS, PAGE_SIZE, paginate
from tisser.referrals.import_forms import ImportConfirmForm, ImportUploadForm
from tisser.referrals.imports import reading, scope, services
from tisser.referrals.imports.preview import import_preview
from tisser.referrals.models import ImportBatch

IMPORT_ROLES = scope.IMPORT_ROLES


def _scoped_batch(view):
    """Another organisation's list is a 404; in scope but with the wrong role, a 403. A
    network admin sees the network's lists but opens only those the network uploaded."""

    @wraps(view)
    def own_batch(request, obj):
        if obj.organisation_id != request.membership.organisation_id:
            raise PermissionDenied
        return view(request, obj)

    return scoped_object(ImportBatch)(require_roles(*IMPORT_ROLES)(own_batch))


@require_roles(*IMPORT_ROLES)
def index(request):
    """The upload form, and the organisation's earlier imports (paginated)."""
    membership = request.membership
    form = ImportUploadForm(request.POST or None, request.FILES or None, membership=membership)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_prepare(
                    actor=membership,
                    file_name=upload.name,
                    content=upload.read(),
                    site=form.cleaned_data.get("site"),
                    partner=form.cleaned_data.get("partner"),
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                return redirect("imports:preview", pk=batch.pk)
        messages.error(request, FORM_HAS_ERRORS)
    page = paginate(request, scope.import_list(actor=membership))
    return render(
        request,
        "referrals/import_index.html",
        {"form": form, "page": page, "columns": reading.COLUMNS},
        status=400 if form.errors else 200,
    )


def _preview_page(request, batch, *, form, error=None, status=200):
    context = {"batch": batch, "form": form, "error": error}
    try:
        preview = import_preview(batch=batch)
    except DomainError as refused:
        context["expired"] = refused.message
        return render(request, "referrals/import_preview.html", context, status=status)
    rows = preview.problems if preview.problem_rows else preview.rows
    context.update(
        preview=preview,
        counts=preview.counts,
        page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        single_site=len(preview.sites) == 1 and next(iter(preview.sites.values())),
    )
    return render(request, "referrals/import_preview.html", context, status=status)


@_scoped_batch
def preview(request, obj):
    if obj.confirmed_at is not None:
        messages.info(request, _("Cette liste est déjà importée."))
        return redirect("imports:index")
    return _preview_page(request, obj, form=ImportConfirmForm())


@require_POST
@_scoped_batch
def confirm(request, obj):
    form = ImportConfirmForm(request.POST)
    if form.is_valid():
        try:
            batch = services.import_confirm(
                actor=request.membership, batch=obj, notice_given=form.cleaned_data["notice_given"]
            )
        except DomainError as refused:
            return _preview_page(request, obj, form=form, error=refused.message, status=400)
        messages.success(
            request,
            _(
                "La liste est importée : %(created)s personne(s) orientée(s), "
                "%(skipped)s ligne(s) déjà connue(s) ou en double, ignorée(s)."
            )
            % {"created": batch.created_count, "skipped": batch.skipped_count},
        )
        return redirect("imports:index")
    return _preview_page(request, obj, form=form, status=400)
