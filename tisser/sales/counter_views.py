"""The counter pages: find the person, their counter page (right, quotas, stock, cart),
confirm, pay, cancel, the sale and its receipt (page and PDF), the site's sales, and the
network's counter settings. Thin views: role, scoped fetch, form, one service.
Decision: docs/decisions/0049-counter-sale.md.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.beneficiaries import selectors as files
from tisser.beneficiaries import services as file_services
from tisser.beneficiaries.forms import SearchForm
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock, journal
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.ids import parse_id
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import FORM_HAS_ERRORS, paginate, submit_forms
from tisser.offers.enums import Tracking
from tisser.offers.models import Voucher
from tisser.offers.vouchers import voucher_code_reveal
from tisser.sales import counter, counter_forms, counter_selectors
from tisser.sales.counter import OVERRIDE_ROLES, SELL_ROLES, SETTINGS_ROLES
from tisser.sales.enums import RightStatus, SaleStatus
from tisser.sales.models import CounterSettings, Sale
from tisser.sales.quotas import BasketLine, Override, quota_check, quota_remaining
from tisser.sales.services import current_right


def _can(request, roles) -> bool:
    return request.membership is not None and request.membership.role in roles


def _sale(request, sale: Sale) -> Sale:
    return counter_selectors.sale_detail(membership=request.membership, pk=sale.pk)


@require_roles(*SELL_ROLES)
def counter_home(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = None
    if query:
        result = files.beneficiary_search(
            membership=request.membership, query=query, page=request.GET.get("page")
        )
    return render(
        request,
        "sales/counter/home.html",
        {"form": form, "result": result, "can_configure": _can(request, SETTINGS_ROLES)},
    )


def _person_context(request, beneficiary: Beneficiary, *, add_form=None, add_offer=None):
    today = clock.localdate()
    right = current_right(beneficiary, beneficiary.site.network_id)
    status = right.status_on(today) if right is not None else ""
    stock = counter_selectors.counter_stock(site=beneficiary.site, day=today)
    quotas = quota_remaining(beneficiary=beneficiary)
    for row in stock:
        # What the person may buy: a right when the offer needs one; a rule used up is
        # named (a site manager may still override it at confirmation).
        row.needs_right = row.offer.requires_access_right and status != RightStatus.ACTIVE
        row.used_up = [
            quota.rule.name
            for quota in quotas
            if quota.applies
            and quota.remaining == 0
            and quota.rule.covers(offer_id=row.offer.pk, family=row.offer.family)
        ]
        row.form = (
            add_form
            if add_form is not None and add_offer == str(row.offer.pk)
            else counter_forms.AddForm(
                offers=stock,
                initial={"offer": row.offer.pk, "quantity": 1},
                prefix=f"o{row.offer.pk}",
            )
        )
    return {
        "beneficiary": beneficiary,
        "right": right,
        "right_status": status,
        "right_label": RightStatus(status).label if status else "",
        "quotas": quotas,
        "stock": stock,
        "sale": counter_selectors.open_sale(membership=request.membership, beneficiary=beneficiary),
        "add_form": add_form,
    }


@require_roles(*SELL_ROLES)
@scoped_object(Beneficiary, kwarg="beneficiary_id")
def counter_person(request, beneficiary):
    if beneficiary.merged_into_id is not None:
        messages.info(request, _("Ce dossier a été fusionné : voici le dossier conservé."))
        return redirect("sales:counter_person", beneficiary_id=beneficiary.merged_into_id)
    file_services.beneficiary_record_view(actor=request.membership, beneficiary=beneficiary)
    return render(request, "sales/counter/person.html", _person_context(request, beneficiary))


@require_POST
@require_roles(*SELL_ROLES)
@scoped_object(Beneficiary, kwarg="beneficiary_id")
def counter_add(request, beneficiary):
    offer_id = str(request.POST.get("offer_id", ""))[:20]
    stock = counter_selectors.counter_stock(site=beneficiary.site, day=clock.localdate())
    form = counter_forms.AddForm(request.POST, offers=stock, prefix=f"o{offer_id}")
    if form.is_valid():
        data = form.cleaned_data
        offer = data["offer_obj"]
        device = None
        try:
            if data["inventory_id"]:
                device = counter_selectors.ready_device(
                    site=beneficiary.site, offer=offer, inventory_id=data["inventory_id"]
                )
                if device is None:
                    raise DomainError(
                        _("Aucun « %(offer)s » ne porte le numéro %(id)s à cet espace.")
                        % {"offer": offer.name, "id": data["inventory_id"]}
                    )
            sale = counter.sale_start(
                actor=request.membership, beneficiary=beneficiary, site=beneficiary.site
            )
            line = counter.cart_add(
                actor=request.membership,
                sale=sale,
                offer=offer,
                quantity=data["quantity"],
                device=device,
                grade=data["grade"] if offer.tracking == Tracking.DEVICE else "",
            )
        except DomainError as error:
            field = "inventory_id" if data["inventory_id"] and device is None else None
            form.add_error(field, error.message)
        else:
            messages.success(request, _("Ajouté au panier : %(label)s.") % {"label": line.label})
            return redirect("sales:counter_person", beneficiary_id=beneficiary.pk)
    messages.error(request, FORM_HAS_ERRORS)
    context = _person_context(request, beneficiary, add_form=form, add_offer=offer_id)
    return render(request, "sales/counter/person.html", context, status=400)


@require_POST
@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_remove_line(request, obj):
    line = obj.lines.filter(pk__in=[_line_id(request.POST.get("line"))]).first()
    if line is None:
        messages.error(request, _("Cette ligne n'est pas dans ce panier."))
    else:
        try:
            counter.cart_remove(actor=request.membership, line=line)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Retiré du panier : %(label)s.") % {"label": line.label})
    return redirect("sales:counter_person", beneficiary_id=obj.beneficiary_id)


def _line_id(value) -> int:
    return parse_id(value) or 0


@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_confirm(request, obj):
    sale = _sale(request, obj)
    if sale.status != SaleStatus.CART:
        return redirect(sale)
    may_override = _can(request, OVERRIDE_ROLES)
    form = counter_forms.ConfirmForm(request.POST if request.method == "POST" else None)
    submission = submit_forms(
        request,
        form,
        action=lambda: counter.sale_confirm(
            actor=request.membership,
            sale=sale,
            override=Override(request.membership, form.cleaned_data["reason"])
            if may_override and form.cleaned_data["override"]
            else None,
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Le panier est confirmé : le stock est réservé."))
        return redirect("sales:sale_pay", pk=sale.pk)
    lines = [line for line in sale.lines.all() if line.kind == "item"]
    reasons = (
        quota_check(
            beneficiary=sale.beneficiary,
            basket=[BasketLine(line.offer, line.quantity) for line in lines],
        )
        if lines
        else []
    )
    return render(
        request,
        "sales/counter/confirm.html",
        {
            "sale": sale,
            "lines": lines,
            "form": form,
            "reasons": reasons,
            "may_override": may_override,
            "hold_minutes": CounterSettings.of_network(sale.network_id).hold_minutes,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_pay(request, obj):
    sale = _sale(request, obj)
    if sale.status != SaleStatus.CONFIRMED:
        return redirect(sale)
    form = counter_forms.PayForm(
        request.POST if request.method == "POST" else None,
        total=sale.total_price,
        partners=counter_selectors.payers(network_id=sale.network_id),
        credits=counter_selectors.credits_left(
            membership=request.membership,
            beneficiary=sale.beneficiary,
            network_id=sale.network_id,
        ),
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: counter.sale_pay(
            actor=request.membership, sale=sale, payments=form.cleaned_data["payments"]
        ),
    )
    if submission.succeeded:
        change = form.cleaned_data.get("change")
        if change:
            messages.success(
                request,
                _("Vente encaissée. Monnaie à rendre : %(change)s €.")
                % {"change": f"{change:.2f}".replace(".", ",")},
            )
        else:
            messages.success(request, _("Vente encaissée : le ticket est prêt."))
        return redirect(sale)
    return render(
        request,
        "sales/counter/pay.html",
        {"sale": sale, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_cancel(request, obj):
    sale = _sale(request, obj)
    if sale.status not in (SaleStatus.CART, SaleStatus.CONFIRMED):
        return redirect(sale)
    form = counter_forms.CancelForm(request.POST if request.method == "POST" else None)
    submission = submit_forms(
        request,
        form,
        action=lambda: counter.sale_cancel(
            actor=request.membership, sale=sale, reason=form.cleaned_data["reason"]
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La vente est annulée : le stock est libéré."))
        return redirect("sales:counter_person", beneficiary_id=sale.beneficiary_id)
    return render(
        request,
        "sales/counter/cancel.html",
        {"sale": sale, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_detail(request, obj):
    sale = _sale(request, obj)
    return render(
        request,
        "sales/counter/detail.html",
        {
            "sale": sale,
            "lines": list(sale.lines.all()),
            "payments": list(sale.payments.all()),
            "settings": CounterSettings.of_network(sale.network_id),
        },
    )


@require_roles(*SELL_ROLES)
@scoped_object(Sale)
def sale_receipt_pdf(request, obj):
    sale = _sale(request, obj)
    if sale.status != SaleStatus.PAID:
        messages.error(request, _("Le ticket n'existe qu'une fois la vente payée."))
        return redirect(sale)
    lines = list(sale.lines.all())
    vouchers = Voucher.objects.filter(
        reservation_id__in=[line.reservation_id for line in lines if line.reservation_id]
    ).order_by("pk")
    codes: dict[int, list[tuple[Voucher, str]]] = {}
    for voucher in vouchers:
        try:
            code = voucher_code_reveal(
                actor=request.membership,
                voucher=voucher,
                reason=_("Ticket %(number)s") % {"number": sale.receipt_number},
            )
        except DomainError:
            code = ""  # activated, replaced…: no longer printed
        codes.setdefault(voucher.reservation_id, []).append((voucher, code))
    for line in lines:
        line.codes = codes.get(line.reservation_id, [])
    journal.record(
        actor=request.membership.user,
        action="sale.receipt_printed",
        obj=sale,
        site=sale.site_id,
        payload={"beneficiary": sale.beneficiary_id, "receipt": sale.receipt_number},
    )
    return pdf_response(
        "sales/counter/pdf/receipt.html",
        {
            "sale": sale,
            "lines": lines,
            "payments": list(sale.payments.all()),
            "settings": CounterSettings.of_network(sale.network_id),
        },
        request=request,
        filename=f"ticket-{sale.receipt_number}.pdf",
    )


@require_roles(*SELL_ROLES)
def sale_list(request):
    filters = counter_forms.SaleFilterForm(request.GET or None)
    day, status = None, ""
    if filters.is_valid():
        day, status = filters.cleaned_data["day"], filters.cleaned_data["status"]
    sales = counter_selectors.site_sales(membership=request.membership, day=day, status=status)
    return render(
        request,
        "sales/counter/sale_list.html",
        {
            "filters": filters,
            "page": paginate(request, sales),
            "day": day,
            "totals": counter_selectors.day_totals(membership=request.membership, day=day)
            if day
            else None,
        },
    )


@require_roles(*SETTINGS_ROLES)
def counter_settings(request):
    instance = CounterSettings.of_network(request.membership.organisation_id)
    form = counter_forms.CounterSettingsForm(request.POST or None, instance=instance)
    submission = submit_forms(
        request,
        form,
        action=lambda: counter.counter_settings_update(
            actor=request.membership, data=form.cleaned_data
        ),
    )
    if submission.succeeded:
        messages.success(request, _("Les réglages du comptoir sont enregistrés."))
        return redirect("sales:counter_settings")
    return render(
        request,
        "sales/counter/settings.html",
        {"form": form, "mentions": counter.VAT_MENTIONS},
        status=400 if request.method == "POST" else 200,
    )
