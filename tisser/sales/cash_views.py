"""The daily cash closing: the site's closings (paginated), one closing's page, and the
closing form of a site and day (what the sales say, what was counted). Site managers close;
mediators see the closings. Decision 0050.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tisser.accounts.models import Site
from tisser.core import clock
from tisser.core.access import require_roles, scoped_object
from tisser.core.views_helpers import paginate, submit_forms
from tisser.sales import after_sale_selectors as selectors
from tisser.sales import cash
from tisser.sales.cash_forms import CashClosingForm, ClosingDayForm
from tisser.sales.enums import TILL_METHODS, PaymentMethod
from tisser.sales.models import CashClosing


@require_roles(*cash.READ_ROLES)
def cash_list(request):
    membership = request.membership
    page = paginate(request, selectors.closing_list(membership=membership))
    sites = []
    if membership.role in cash.CLOSE_ROLES:
        sites = list(Site.objects.visible_to(membership).order_by("name").only("pk", "name")[:50])
    return render(request, "sales/cash/closing_list.html", {"page": page, "sites": sites})


@require_roles(*cash.READ_ROLES)
@scoped_object(CashClosing)
def cash_detail(request, obj):
    closing = selectors.closing_list(membership=request.membership).get(pk=obj.pk)
    others = {
        method: amount
        for method, amount in closing.expected.items()
        if method not in TILL_METHODS and amount not in ("0", "0.00")
    }
    return render(
        request,
        "sales/cash/closing_detail.html",
        {
            "closing": closing,
            "rows": cash.closing_rows(closing),
            "others": [(PaymentMethod(m).label, amount) for m, amount in others.items()],
        },
    )


@require_roles(*cash.CLOSE_ROLES)
@scoped_object(Site, kwarg="site_id")
def cash_close(request, site):
    today = clock.localdate()
    chosen = ClosingDayForm(request.GET or None)
    day = chosen.cleaned_data["day"] if chosen.is_valid() and chosen.cleaned_data["day"] else today
    if day > today:
        day = today
    form = CashClosingForm(
        request.POST or None,
        initial={"day": day, "opening_float": cash.previous_float(site, day)},
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: cash.cash_closing_record(
            actor=request.membership,
            site=site,
            day=form.cleaned_data["day"],
            counted=form.counted(),
            bank_deposit=form.cleaned_data["bank_deposit"],
            opening_float=form.cleaned_data["opening_float"],
            comment=form.cleaned_data["comment"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La caisse est clôturée."))
        return redirect("sales:cash_detail", pk=submission.result.pk)
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["day"]
    expected = cash.expected_amounts(site, day)
    opening = cash.previous_float(site, day)
    rows = [
        {
            "label": PaymentMethod(method).label,
            "expected": expected[method] + (opening if method == PaymentMethod.CASH else 0),
        }
        for method in TILL_METHODS
    ]
    others = [
        (PaymentMethod(method).label, amount)
        for method, amount in expected.items()
        if method not in TILL_METHODS and amount
    ]
    return render(
        request,
        "sales/cash/closing_form.html",
        {
            "site": site,
            "day": day,
            "form": form,
            "rows": rows,
            "others": others,
            "opening": opening,
            "already": CashClosing.objects.filter(site=site, day=day).first(),
        },
        status=400 if request.method == "POST" else 200,
    )
