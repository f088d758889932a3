"""Pages of transfers between sites and of hub orders (thin views: one service call each)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.views_helpers import FORM_HAS_ERRORS, paginate
from tisser.offers import hub as hub_services
from tisser.offers import transfers
from tisser.offers.enums import HubOrderStatus, TransferStatus
from tisser.offers.flow_forms import (
    HubOrderForm,
    HubPrepareForm,
    HubSettingsForm,
    ReasonForm,
    TransferForm,
)
from tisser.offers.models import HubOrder, Transfer

SITE_TEAM = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR)
SENDERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)


def _run(request, action, success: str) -> bool:
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


# --- transfers -----------------------------------------------------------------------------


@require_roles(*SITE_TEAM)
def transfer_list(request):
    page = paginate(request, transfers.transfer_list(actor=request.membership))
    return render(request, "offers/flow/transfer_list.html", {"page": page})


@require_roles(*SENDERS)
def transfer_create(request):
    membership = request.membership
    sender = None if membership.role == Role.NETWORK_ADMIN else membership.organisation.site
    unit_offers = transfers.sendable_units(sender) if sender is not None else []
    form = TransferForm(request.POST or None, membership=membership, unit_offers=unit_offers)
    if request.method == "POST":
        if form.is_valid():
            try:
                transfer = transfers.transfer_ship(
                    actor=membership,
                    from_site=form.sender(),
                    to_site=form.cleaned_data["to_site"],
                    inventory_ids=form.cleaned_data["inventory_ids"],
                    units=form.units(),
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Le transfert est envoyé."))
                return redirect("offers:transfer_detail", pk=transfer.pk)
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "offers/flow/transfer_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _transfer_actions(membership, transfer):
    in_transit = transfer.status == TransferStatus.IN_TRANSIT
    admin = membership.role == Role.NETWORK_ADMIN
    return {
        "can_receive": in_transit
        and membership.role in SITE_TEAM
        and (admin or membership.organisation_id == transfer.to_site_id),
        "can_cancel": in_transit
        and membership.role in SENDERS
        and (admin or membership.organisation_id == transfer.from_site_id)
        and not hasattr(transfer, "hub_order"),
    }


@scoped_object(Transfer)
@require_roles(*SITE_TEAM)
def transfer_detail(request, obj):
    context = {
        "transfer": obj,
        "lines": obj.lines.select_related("offer").order_by("offer__name"),
        "devices": transfers.transfer_devices(obj),
        "reason_form": ReasonForm(),
        **_transfer_actions(request.membership, obj),
    }
    return render(request, "offers/flow/transfer_detail.html", context)


@require_POST
@scoped_object(Transfer)
@require_roles(*SITE_TEAM)
def transfer_receive(request, obj):
    _run(
        request,
        lambda: transfers.transfer_receive(actor=request.membership, transfer=obj),
        _("Réception confirmée : les articles sont dans le stock de l'espace."),
    )
    return redirect("offers:transfer_detail", pk=obj.pk)


@require_POST
@scoped_object(Transfer)
@require_roles(*SENDERS)
def transfer_cancel(request, obj):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: transfers.transfer_cancel(actor=request.membership, transfer=obj, reason=reason),
        _("Transfert annulé : tout est revenu dans le stock de l'espace qui envoyait."),
    )
    return redirect("offers:transfer_detail", pk=obj.pk)


# --- hub orders ----------------------------------------------------------------------------


def _is_hub_team(membership) -> bool:
    if membership.role not in {Role.SITE_MANAGER, Role.MEDIATOR}:
        return False
    hub = hub_services.hub_of(membership.organisation.network_id)
    return hub is not None and hub.pk == membership.organisation_id


@require_roles(*SITE_TEAM)
def hub_order_list(request):
    """A site's own orders; the hub's team lands on the orders to prepare."""
    membership = request.membership
    incoming = _is_hub_team(membership)
    queryset = hub_services.hub_order_list(actor=membership, incoming=incoming)
    return render(
        request,
        "offers/flow/hub_order_list.html",
        {
            "page": paginate(request, queryset),
            "incoming": incoming,
            "can_order": membership.role == Role.SITE_MANAGER and not incoming,
        },
    )


@require_roles(Role.SITE_MANAGER)
def hub_order_create(request):
    membership = request.membership
    hub = hub_services.hub_of(membership.organisation.network_id)
    available = hub_services.hub_available(hub=hub) if hub is not None else []
    form = HubOrderForm(request.POST or None, available=[a for a in available if a[1] > 0])
    if request.method == "POST":
        if form.is_valid():
            try:
                order = hub_services.hub_order_submit(
                    actor=membership, lines=form.lines(), note=form.cleaned_data["note"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Commande envoyée à l'atelier."))
                return redirect("offers:hub_order_detail", pk=order.pk)
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "offers/flow/hub_order_form.html",
        {"form": form, "hub": hub, "available": available},
        status=400 if form.errors else 200,
    )


def _order_actions(membership, order):
    admin = membership.role == Role.NETWORK_ADMIN
    hub_team = admin or (
        membership.role in {Role.SITE_MANAGER, Role.MEDIATOR}
        and membership.organisation_id == order.hub_id
    )
    ordering_team = admin or membership.organisation_id == order.site_id
    return {
        "can_prepare": hub_team and order.status == HubOrderStatus.SUBMITTED,
        "can_ship": hub_team and order.status == HubOrderStatus.PREPARED,
        "can_receive": ordering_team and order.status == HubOrderStatus.SHIPPED,
        "can_cancel": order.status in hub_services.OPEN_STATUSES
        and (hub_team or (membership.role == Role.SITE_MANAGER and ordering_team)),
    }


@scoped_object(HubOrder)
@require_roles(*SITE_TEAM)
def hub_order_detail(request, obj):
    context = {
        "order": obj,
        "lines": obj.lines.select_related("offer").order_by("offer__name"),
        "devices": hub_services.picked_devices(obj),
        "prepare_form": HubPrepareForm(),
        "reason_form": ReasonForm(),
        **_order_actions(request.membership, obj),
    }
    return render(request, "offers/flow/hub_order_detail.html", context)


@require_POST
@scoped_object(HubOrder)
@require_roles(*SITE_TEAM)
def hub_order_prepare(request, obj):
    form = HubPrepareForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["inventory_ids"]))
        return redirect("offers:hub_order_detail", pk=obj.pk)
    _run(
        request,
        lambda: hub_services.hub_order_prepare(
            actor=request.membership, order=obj, inventory_ids=form.cleaned_data["inventory_ids"]
        ),
        _("Commande préparée : les appareils sont mis de côté."),
    )
    return redirect("offers:hub_order_detail", pk=obj.pk)


@require_POST
@scoped_object(HubOrder)
@require_roles(*SITE_TEAM)
def hub_order_ship(request, obj):
    _run(
        request,
        lambda: hub_services.hub_order_ship(actor=request.membership, order=obj),
        _("Commande expédiée : l'espace confirmera la réception."),
    )
    return redirect("offers:hub_order_detail", pk=obj.pk)


@require_POST
@scoped_object(HubOrder)
@require_roles(*SITE_TEAM)
def hub_order_receive(request, obj):
    if (
        request.membership.role != Role.NETWORK_ADMIN
        and request.membership.organisation_id != obj.site_id
    ):
        raise PermissionDenied
    _run(
        request,
        lambda: hub_services.hub_order_receive(actor=request.membership, order=obj),
        _("Commande reçue : les appareils sont prêts à distribuer."),
    )
    return redirect("offers:hub_order_detail", pk=obj.pk)


@require_POST
@scoped_object(HubOrder)
@require_roles(*SITE_TEAM)
def hub_order_cancel(request, obj):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: hub_services.hub_order_cancel(actor=request.membership, order=obj, reason=reason),
        _("Commande annulée : les appareils mis de côté sont de nouveau disponibles."),
    )
    return redirect("offers:hub_order_detail", pk=obj.pk)


@require_roles(Role.NETWORK_ADMIN)
def hub_settings(request):
    membership = request.membership
    current = hub_services.hub_of(membership.organisation_id)
    form = HubSettingsForm(request.POST or None, membership=membership, initial={"hub": current})
    if request.method == "POST":
        if form.is_valid():
            try:
                hub_services.hub_set(actor=membership, hub=form.cleaned_data["hub"])
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("L'atelier du réseau est enregistré."))
                return redirect("offers:hub_settings")
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "offers/flow/hub_settings.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )
