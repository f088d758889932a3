from django.core.paginator import Paginator
from django.shortcuts import render

from tisser.accounts import selectors as account_selectors
from tisser.accounts.enums import Role
from tisser.accounts.selectors import public_network_figures
from tisser.core.access import require_roles
from tisser.core.models import JournalEntry
from tisser.workspace import selectors
from tisser.workspace.forms import JournalSearchForm

JOURNAL_PAGE_SIZE = 50


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
    return render(request, f"workspace/home_{membership.role}.html", context)


@require_roles(Role.NETWORK_ADMIN)
def journal(request):
    """Search the audit journal of the network (network admins only)."""
    form = JournalSearchForm(request.GET or None, membership=request.membership)
    if not form.is_bound:
        entries = selectors.journal_search(membership=request.membership)
    elif form.is_valid():
        criteria = {key: value for key, value in form.cleaned_data.items() if value}
        entries = selectors.journal_search(membership=request.membership, **criteria)
    else:
        entries = JournalEntry.objects.none()
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workspace/journal.html", {"form": form, "page": page})
