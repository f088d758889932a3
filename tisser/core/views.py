from django.core.paginator import Paginator
from django.shortcuts import render

from tisser.accounts import selectors as account_selectors
from tisser.accounts.enums import Role
from tisser.website.selectors import public_network_figures


def home(request):
    """The staff home page: what the current role needs first, from real data only."""
    membership = request.membership
    context = {"membership": membership}
    if membership.role == Role.NETWORK_ADMIN:
        context["counts"] = account_selectors.network_counts(membership=membership)
        context["sites"] = Paginator(
            account_selectors.site_list(membership=membership), 50
        ).get_page(request.GET.get("page"))
    elif membership.role in (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER):
        context["site"], context["team"] = account_selectors.site_home(membership=membership)
    elif membership.role == Role.FUNDER_VIEWER:
        context["figures"] = public_network_figures()
    return render(request, f"core/home_{membership.role}.html", context)
