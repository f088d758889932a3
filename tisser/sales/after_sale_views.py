"""After the sale: box subscriptions (list, detail, fees to pay, end, box back) and returns
(a paid sale's line refunded or exchanged; the list and a return's page). Thin views: role,
scoped fetch (another site's object is a 404), form, one service. Decision 0050.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tisser.core import clock, journal
from tisser.core.access import require_roles, scoped_object
from tisser.core.money import format_euros
from tisser.core.pdf import pdf_response
from tisser.core.views_helpers import paginate, submit_forms
from tisser.sales import after_sale_forms as forms
from tisser.sales import after_sale_selectors as selectors
from tisser.sales import boxes, returns
from tisser.sales.enums import ReturnOutcome, SaleStatus
from tisser.sales.models import BoxSubscription, CounterSettings, Sale, SaleReturn
from tisser.sales.quotas import SELL_ROLES

# --- box subscriptions ---------------------------------------------------------------------


@require_roles(*SELL_ROLES)
def box_list(request):
    filters = forms.BoxFilterForm(request.GET or None)
    show = filters.cleaned_data["show"] if filters.is_valid() else ""
    today = clock.localdate()
    page = paginate(request, selectors.box_list(membership=request.membership, show=show))
    boxes.annotate_overdue(page.object_list, today=today)
    return render(
        request, "sales/after_sale/box_list.html", {"filters": filters, "page": page, "show": show}
    )


def _box_page(request, subscription, *, template="sales/after_sale/box_detail.html", **extra):
    subscription = selectors.box_detail(membership=request.membership, subscription=subscription)
    today = clock.localdate()
    months = boxes.schedule(subscription, today=today)
    context = {
        "subscription": subscription,
        "months": months,
        "overdue": [month for month in months if month.overdue],
        "overdue_total": boxes.total_due(months, subscription.monthly_fee),
        "to_return": boxes.is_box_to_return(subscription, today=today),
        "pending_sales": selectors.pending_fee_sales(subscription=subscription),
        "unpaid": [m.due for m in months if not m.paid and m.pending_sale_id is None],
        **extra,
    }
    return render(request, template, context, status=400 if request.method == "POST" else 200)


@require_roles(*SELL_ROLES)
@scoped_object(BoxSubscription)
def box_detail(request, obj):
    journal.record_page_read(request, action="box_subscription.viewed", obj=obj, site=obj.site_id)
    return _box_page(request, obj)


@require_roles(*SELL_ROLES)
@scoped_object(BoxSubscription)
def box_fees(request, obj):
    months = boxes.schedule(obj)
    unpaid = [m.due for m in months if not m.paid and m.pending_sale_id is None]
    form = forms.FeeMonthsForm(request.POST or None, unpaid=unpaid)
    submission = submit_forms(
        request,
        form,
        action=lambda: boxes.fee_sale_create(
            actor=request.membership, subscription=obj, months=form.cleaned_data["months"]
        ),
    )
    if submission.succeeded:
        messages.success(
            request,
            _("Les mensualités sont prêtes à encaisser au comptoir (vente n° %(id)s).")
            % {"id": submission.result.pk},
        )
        return redirect("sales:sale_pay", pk=submission.result.pk)
    return _box_page(request, obj, template="sales/after_sale/box_fees.html", form=form)


@require_roles(*SELL_ROLES)
@scoped_object(BoxSubscription)
def box_end(request, obj):
    form = forms.BoxEndForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: boxes.subscription_end(
            actor=request.membership,
            subscription=obj,
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("L'abonnement est terminé : la box est à récupérer."))
        return redirect("sales:box_detail", pk=obj.pk)
    return _box_page(request, obj, template="sales/after_sale/box_end.html", form=form)


@require_roles(*SELL_ROLES)
@scoped_object(BoxSubscription)
def box_return(request, obj):
    form = forms.BoxReturnForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: boxes.box_return(
            actor=request.membership,
            subscription=obj,
            on=form.cleaned_data["on"],
            condition=form.cleaned_data["condition"],
            fate=form.cleaned_data["fate"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La box est rendue et l'abonnement est clos."))
        return redirect("sales:box_detail", pk=obj.pk)
    return _box_page(request, obj, template="sales/after_sale/box_return.html", form=form)


# --- returns ---------------------------------------------------------------------------------


@require_roles(*SELL_ROLES)
@scoped_object(Sale, kwarg="sale_id")
def return_create(request, sale):
    sale = selectors.sale_for_return(membership=request.membership, sale=sale)
    if sale.status != SaleStatus.PAID:
        messages.warning(request, _("Seul un achat payé peut être rendu."))
        return redirect("sales:sale_detail", pk=sale.pk)
    lines = selectors.returnable_lines(sale=sale)
    by_id = {line.pk: line for line in lines}
    form = forms.ReturnForm(request.POST or None, lines=lines)
    submission = submit_forms(
        request,
        form,
        action=lambda: returns.sale_return_record(
            actor=request.membership,
            line=by_id[form.cleaned_data["line"]],
            quantity=form.cleaned_data["quantity"],
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            device_fate=form.cleaned_data["device_fate"],
            refund_method=form.cleaned_data["refund_method"],
            refund_amount=form.cleaned_data["refund_amount"],
        ),
    )
    if submission.succeeded:
        sale_return = submission.result
        if sale_return.outcome == ReturnOutcome.EXCHANGE:
            messages.success(
                request,
                _("Le retour est enregistré : un avoir de %(amount)s paiera le nouvel achat.")
                % {"amount": format_euros(sale_return.credit_amount)},
            )
        else:
            messages.success(request, _("Le retour est enregistré et remboursé."))
        return redirect("sales:return_detail", pk=sale_return.pk)
    if request.method == "GET":
        journal.record_page_read(
            request, action="sale_return.sale_viewed", obj=sale, site=sale.site_id
        )
    settings = CounterSettings.of_network(sale.network_id)
    for line in lines:
        line.sale = sale
        line.deadline = returns.return_deadline(line, settings)
    return render(
        request,
        "sales/after_sale/return_form.html",
        {"sale": sale, "lines": lines, "form": form, "today": clock.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(*SELL_ROLES)
def return_list(request):
    page = paginate(request, selectors.return_list(membership=request.membership))
    return render(request, "sales/after_sale/return_list.html", {"page": page})


@require_roles(*SELL_ROLES)
@scoped_object(SaleReturn)
def return_detail(request, obj):
    sale_return = selectors.return_list(membership=request.membership).get(pk=obj.pk)
    journal.record_page_read(request, action="sale_return.viewed", obj=obj, site=obj.site_id)
    return render(
        request,
        "sales/after_sale/return_detail.html",
        {
            "sale_return": sale_return,
            "credit_left": returns.credit_left(sale_return)
            if sale_return.outcome == ReturnOutcome.EXCHANGE
            else None,
        },
    )


@require_roles(*SELL_ROLES)
@scoped_object(SaleReturn)
def return_slip_pdf(request, obj):
    """The return slip to hand to the person (their name on it): journaled."""
    sale_return = selectors.return_list(membership=request.membership).get(pk=obj.pk)
    journal.record_page_read(request, action="sale_return.slip_printed", obj=obj, site=obj.site_id)
    return pdf_response(
        "sales/after_sale/pdf/return_slip.html",
        {
            "sale_return": sale_return,
            "sale": sale_return.line.sale,
            "settings": CounterSettings.of_network(sale_return.line.sale.network_id),
        },
        request=request,
        filename=f"retour-{sale_return.pk}.pdf",
    )
