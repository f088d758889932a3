"""The stock pages under /espace-pro/stock/: the stock list, devices, codes, movements,
reservations, returns, write-offs, inventory counts and low-stock thresholds.

Who may do what (docs/decisions/0038): everyone of a site's team reads its stock list; the
mediators and managers search devices, open a device, reserve and release, take a return;
the managers write off, adjust, count and set thresholds; the hub's mediators process
devices at the hub; the network admin does all of it on any site of the network; the
accountant reads the stock list with its values and the movements. Another site's object
is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.exports import csv_response
from tisser.core.ids import parse_id
from tisser.core.views_helpers import confirm_page, paginate, submit_forms
from tisser.offers import (
    adjustments,
    counts,
    lifecycle,
    reservations,
    selectors,
    stock_forms,
    stock_roles,
)
from tisser.offers.enums import InventoryCountStatus, ReservationStatus, Tracking
from tisser.offers.models import Device, InventoryCount, Reservation, Voucher

R = stock_roles
EXPORT_LIMIT = 100_000


def _scoped(model, *roles):
    """The role first (403), then the object in scope (else 404)."""

    def decorator(view):
        return require_roles(*roles)(scoped_object(model)(view))

    return decorator


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _posted(request):
    """The POST data on a POST (even empty: a form of one button), else None."""
    return request.POST if request.method == "POST" else None


def _can(membership, roles) -> bool:
    return membership.role in roles


# --- the stock list ---------------------------------------------------------------------------


@require_roles(*R.STOCK_READERS)
def stock_list(request):
    membership = request.membership
    filters = stock_forms.StockFilterForm(request.GET or None, membership=membership)
    site_id = filters.value("site")
    rows = selectors.stock_levels(
        membership=membership,
        site_id=site_id,
        offer_id=filters.value("offer"),
        low_only=bool(filters.value("low_only")),
    )
    page = paginate(request, rows)
    show_values = _can(membership, R.VALUE_READERS)
    network_wide = membership.role in selectors.NETWORK_WIDE
    return render(
        request,
        "offers/stock/stock_list.html",
        {
            "filters": filters,
            "page": page,
            "query": _query(request),
            "show_site": network_wide,
            "show_values": show_values,
            "totals": selectors.stock_totals(membership=membership, site_id=site_id)
            if network_wide
            else [],
            "can_reserve": _can(membership, R.RESERVERS),
            "can_manage": _can(membership, R.MANAGERS),
            "can_read_devices": _can(membership, R.DEVICE_READERS),
            "can_read_movements": _can(membership, R.MOVEMENT_READERS),
        },
    )


# --- devices ----------------------------------------------------------------------------------


@require_roles(*R.DEVICE_READERS)
def device_search(request):
    membership = request.membership
    form = stock_forms.DeviceSearchForm(request.GET or None, membership=membership)
    filters = form.filters()
    exact = selectors.device_exact(membership=membership, query=filters.query)
    rows = selectors.device_search(membership=membership, filters=filters)
    if exact is not None:
        rows = rows.exclude(pk=exact.pk)
    return render(
        request,
        "offers/stock/device_search.html",
        {
            "filters": form,
            "exact": exact,
            "page": paginate(request, rows),
            "query": _query(request),
            "show_site": membership.role in selectors.NETWORK_WIDE,
        },
    )


def _device_context(request, device, **extra):
    membership = request.membership
    hub_id = stock_roles.hub_site_id(device.site.network_id)
    steps = (
        lifecycle.hand_steps(device, hub_id=hub_id)
        if stock_roles.may_process_devices(membership, device.site)
        else []
    )
    active = device.reservations.filter(status=ReservationStatus.ACTIVE).first()
    return {
        "device": device,
        "steps": steps,
        "suggested_grade": lifecycle.grade_suggest(device),
        "history": selectors.device_history(membership=membership, device=device),
        "reservation": active,
        "can_reserve": _can(membership, R.RESERVERS)
        and device.status == "PRET_A_DISTRIBUER"
        and device.transfer_id is None,
        "can_write_off": _can(membership, R.MANAGERS),
        "status_form": extra.pop("status_form", None) or stock_forms.DeviceStatusForm(),
        **extra,
    }


@_scoped(Device, *R.DEVICE_READERS)
def device_detail(request, obj):
    device = selectors.device_detail(membership=request.membership, pk=obj.pk)
    return render(request, "offers/stock/device_detail.html", _device_context(request, device))


@_scoped(Device, *R.PROCESSORS)
def device_status(request, obj):
    """A button of the device page: one step of the lifecycle (POST only)."""
    if request.method != "POST":
        return redirect("offers:device_detail", pk=obj.pk)
    form = stock_forms.DeviceStatusForm(request.POST)
    submission = submit_forms(
        request,
        form,
        action=lambda: lifecycle.device_status_change(
            actor=request.membership,
            device=obj,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            grade=form.cleaned_data["grade"] or None,
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le statut de l'appareil est changé."))
        return redirect("offers:device_detail", pk=obj.pk)
    device = selectors.device_detail(membership=request.membership, pk=obj.pk)
    return render(
        request,
        "offers/stock/device_detail.html",
        _device_context(request, device, status_form=form),
        status=400,
    )


@_scoped(Device, *R.RESERVERS)
def device_reserve(request, obj):
    form = stock_forms.DeviceReserveForm(_posted(request))
    submission = submit_forms(
        request,
        form,
        action=lambda: reservations.device_reserve(
            actor=request.membership,
            device=obj,
            until=form.until(),
            note=form.cleaned_data["note"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'appareil est réservé."))
        return redirect("offers:device_detail", pk=obj.pk)
    return render(
        request,
        "offers/stock/form.html",
        {
            "form": form,
            "title": _("Réserver l'appareil %(id)s") % {"id": obj.inventory_id},
            "submit": _("Réserver"),
            "back": reverse("offers:device_detail", kwargs={"pk": obj.pk}),
        },
        status=400 if request.method == "POST" else 200,
    )


@_scoped(Device, *R.MANAGERS)
def device_write_off(request, obj):
    form = stock_forms.RequiredReasonForm(_posted(request))
    submission = submit_forms(
        request,
        form,
        action=lambda: adjustments.stock_write_off(
            actor=request.membership, site=obj.site, device=obj, reason=form.cleaned_data["reason"]
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'appareil est sorti du stock (non réemployable)."))
        return redirect("offers:device_detail", pk=obj.pk)
    return render(
        request,
        "offers/stock/form.html",
        {
            "form": form,
            "title": _("Sortir l'appareil %(id)s du stock") % {"id": obj.inventory_id},
            "lead": _("Il passe « Non réemployable » et quitte le stock de l'espace."),
            "submit": _("Sortir du stock"),
            "danger": True,
            "back": reverse("offers:device_detail", kwargs={"pk": obj.pk}),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- codes and cards, movements ---------------------------------------------------------------


@require_roles(*R.DEVICE_READERS)
def voucher_overview(request):
    membership = request.membership
    form = stock_forms.VoucherFilterForm(request.GET or None, membership=membership)
    rows = selectors.voucher_overview(membership=membership, **form.values())
    return render(
        request,
        "offers/stock/voucher_overview.html",
        {
            "filters": form,
            # One aggregate, read once: its groups (offer × status × month, a few hundred
            # at most) are paginated in memory rather than counted by a second aggregate.
            "page": paginate(request, list(rows)),
            "statuses": dict(Voucher._meta.get_field("status").choices),
        },
    )


def _movement_rows(membership, request):
    form = stock_forms.MovementFilterForm(request.GET or None, membership=membership)
    return form, selectors.movement_list(membership=membership, filters=form.filters())


@require_roles(*R.MOVEMENT_READERS)
def movement_list(request):
    form, rows = _movement_rows(request.membership, request)
    return render(
        request,
        "offers/stock/movement_list.html",
        {
            "filters": form,
            "page": paginate(request, rows),
            "query": _query(request),
            "show_site": request.membership.role in selectors.NETWORK_WIDE,
        },
    )


@require_roles(*R.MOVEMENT_READERS)
def movement_export(request):
    _form, rows = _movement_rows(request.membership, request)
    header = [
        _("Date"),
        _("Espace"),
        _("Offre"),
        _("Mouvement"),
        _("Quantité"),
        _("Réservé"),
        _("Appareil"),
        _("Motif"),
        _("Par"),
    ]

    def lines():
        for movement in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield [
                movement.at,
                movement.site.name,
                movement.offer.name,
                movement.get_kind_display(),
                movement.quantity,
                movement.reserved_delta,
                movement.device.inventory_id if movement.device else "",
                movement.reason,
                movement.actor.get_full_name() if movement.actor else "",
            ]

    return csv_response(filename="mouvements-de-stock.csv", header=header, rows=lines())


# --- reservations and returns ----------------------------------------------------------------


@require_roles(*R.RESERVERS)
def reservation_list(request):
    membership = request.membership
    form = stock_forms.ReserveUnitsForm(_posted(request), membership=membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: reservations.units_reserve(
            actor=membership,
            site=form.acting_site(membership),
            offer=form.cleaned_data["offer"],
            quantity=form.cleaned_data["quantity"],
            until=form.until(),
            note=form.cleaned_data["note"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La réservation est enregistrée."))
        return redirect("offers:reservation_list")
    return render(
        request,
        "offers/stock/reservation_list.html",
        {
            "form": form,
            "page": paginate(request, selectors.reservation_list(membership=membership)),
            "show_site": membership.role in selectors.NETWORK_WIDE,
        },
        status=400 if request.method == "POST" else 200,
    )


@_scoped(Reservation, *R.RESERVERS)
def reservation_release(request, obj):
    return confirm_page(
        request,
        action=lambda: reservations.reservation_release(
            actor=request.membership, reservation=obj, reason=request.POST.get("reason", "")[:300]
        ),
        template="offers/stock/reservation_release.html",
        context={"reservation": obj},
        success_message=_("La réservation est libérée : le stock est de nouveau disponible."),
        success_url=reverse("offers:reservation_list"),
    )


@require_roles(*R.RESERVERS)
def stock_return(request):
    membership = request.membership
    form = stock_forms.ReturnForm(_posted(request), membership=membership)

    def take_back():
        site = form.acting_site(membership)
        data = form.cleaned_data
        device = None
        if data.get("inventory_id", "").strip():
            device = Device.objects.filter(
                inventory_id=data["inventory_id"].strip().upper(),
                offer__network_id=site.network_id,
            ).first()
            if device is None:
                raise DomainError(_("Aucun appareil du réseau ne porte ce numéro d'inventaire."))
        return reservations.stock_return(
            actor=membership,
            site=site,
            device=device,
            offer=None if device else data.get("offer"),
            quantity=data.get("quantity") or 1,
            after_sales=data.get("after_sales", False),
            reason=data["reason"],
        )

    submission = submit_forms(request, form, action=take_back)
    if submission.succeeded:
        messages.success(request, _("Le retour est enregistré dans le stock."))
        return redirect("offers:stock_list")
    return render(
        request,
        "offers/stock/form.html",
        {
            "form": form,
            "title": _("Enregistrer un retour"),
            "lead": _(
                "Un appareil rendu repart « à traiter » : il sera effacé de nouveau. Un code "
                "ou une carte ne revient pas en stock."
            ),
            "submit": _("Enregistrer le retour"),
            "back": reverse("offers:stock_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- write-offs, adjustments, thresholds -----------------------------------------------------


@require_roles(*R.MANAGERS)
def stock_out(request):
    membership = request.membership
    form = stock_forms.StockOutForm(_posted(request), membership=membership)

    def apply():
        site = form.acting_site(membership)
        data = form.cleaned_data
        offer = data["offer"]
        if offer.tracking == Tracking.VOUCHER:
            voucher = Voucher.objects.filter(
                site=site, offer=offer, serial__iexact=data["serial"].strip()
            ).first()
            if voucher is None:
                raise DomainError(_("Aucun code de cette offre ne porte ce numéro dans l'espace."))
            return adjustments.stock_write_off(
                actor=membership, site=site, voucher=voucher, reason=data["reason"]
            )
        if data["operation"] == "adjustment":
            return adjustments.stock_adjust(
                actor=membership,
                site=site,
                offer=offer,
                delta=data["quantity"],
                reason=data["reason"],
            )
        return adjustments.stock_write_off(
            actor=membership,
            site=site,
            offer=offer,
            quantity=data["quantity"],
            reason=data["reason"],
        )

    submission = submit_forms(request, form, action=apply)
    if submission.succeeded:
        messages.success(request, _("Le stock est corrigé."))
        return redirect("offers:stock_list")
    return render(
        request,
        "offers/stock/form.html",
        {
            "form": form,
            "title": _("Sortie de stock ou ajustement"),
            "lead": _(
                "Pour un appareil, ouvrez sa page : il se sort du stock un par un, par son "
                "numéro d'inventaire."
            ),
            "submit": _("Enregistrer"),
            "back": reverse("offers:stock_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _threshold_site(request):
    """The site manager's own site; a network admin names one with ``?espace=``."""
    membership = request.membership
    sites = selectors.stock_sites(membership=membership)
    if membership.role == Role.NETWORK_ADMIN:
        site_id = parse_id(request.GET.get("espace"))
        site = sites.filter(pk=site_id).first() if site_id else None
        return site, sites
    return sites.first(), None


@require_roles(*R.MANAGERS)
def thresholds(request):
    membership = request.membership
    site, choices = _threshold_site(request)
    if site is None:
        return render(request, "offers/stock/threshold_site.html", {"sites": choices})
    rows = selectors.threshold_rows(membership=membership, site_id=site.pk)
    form = stock_forms.ThresholdForm(_posted(request), rows=rows)

    def save():
        for offer, value in form.changes():
            adjustments.threshold_set(actor=membership, site=site, offer=offer, threshold=value)

    submission = submit_forms(request, form, action=save)
    if submission.succeeded:
        messages.success(request, _("Les seuils de stock bas sont enregistrés."))
        return redirect("offers:stock_list")
    return render(
        request,
        "offers/stock/form.html",
        {
            "form": form,
            "title": _("Seuils de stock bas — %(site)s") % {"site": site.name},
            "lead": _(
                "L'accueil de l'équipe signale une offre quand il en reste ce nombre ou moins "
                "de disponibles."
            ),
            "submit": _("Enregistrer les seuils"),
            "back": reverse("offers:stock_list"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- inventory counts ------------------------------------------------------------------------


@require_roles(*R.MANAGERS)
def count_list(request):
    membership = request.membership
    form = stock_forms.CountStartForm(_posted(request), membership=membership)
    submission = submit_forms(
        request,
        form,
        action=lambda: counts.count_start(actor=membership, site=form.acting_site(membership)),
    )
    if submission.succeeded:
        messages.success(
            request, _("L'inventaire est commencé : les quantités attendues sont figées.")
        )
        return redirect("offers:count_detail", pk=submission.result.pk)
    return render(
        request,
        "offers/stock/count_list.html",
        {
            "form": form,
            "page": paginate(request, selectors.count_list(membership=membership)),
            "show_site": membership.role in selectors.NETWORK_WIDE,
        },
        status=400 if request.method == "POST" else 200,
    )


@_scoped(InventoryCount, *R.MANAGERS)
def count_detail(request, obj):
    membership = request.membership
    count = selectors.count_detail(membership=membership, pk=obj.pk)
    lines = selectors.count_lines(membership=membership, count=count)
    is_open = count.status == InventoryCountStatus.OPEN
    form = stock_forms.CountEntryForm(_posted(request), lines=lines) if is_open else None
    if form is not None:
        submission = submit_forms(
            request,
            form,
            action=lambda: counts.count_record(
                actor=membership, count=count, entries=form.entries()
            ),
        )
        if submission.succeeded:
            messages.success(request, _("Le comptage est enregistré."))
            return redirect("offers:count_detail", pk=count.pk)
    return render(
        request,
        "offers/stock/count_detail.html",
        {
            "count": count,
            "lines": lines,
            "form": form,
            "is_open": is_open,
            "ready": is_open and all(line.counted is not None for line in lines),
        },
        status=400 if request.method == "POST" else 200,
    )


@_scoped(InventoryCount, *R.MANAGERS)
def count_close(request, obj):
    if obj.status != InventoryCountStatus.OPEN:
        raise Http404
    return confirm_page(
        request,
        action=lambda: counts.count_close(actor=request.membership, count=obj),
        template="offers/stock/count_close.html",
        context={"count": obj},
        success_message=_("L'inventaire est clôturé : les écarts sont appliqués au stock."),
        success_url=reverse("offers:count_detail", kwargs={"pk": obj.pk}),
    )
