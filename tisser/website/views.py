from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tisser.accounts import geo, places
from tisser.accounts.models import Site
from tisser.core import clock
from tisser.core.access import public
from tisser.offers.selectors_public import public_offers
from tisser.training.workshop_selectors import public_upcoming_workshops
from tisser.website import selectors
from tisser.website.directions import site_directions

SITES_PER_PAGE = 50
# Longer than any commune's name with its postal code; anything beyond is cut, not searched.
MAX_QUERY_LENGTH = 80
# A space's page shows its next few public workshops; the agenda has the rest.
SITE_PAGE_WORKSHOPS = 5


@public
def home(request):
    return render(request, "website/home.html", {"figures": selectors.public_network_figures()})


@public
def directory(request):
    """Every active space; nearest first when the visitor says where they are.

    ``q`` is a postal code, a commune name or both. One match: spaces by distance from it.
    Several communes of that name: the visitor picks one. None: a French message, and the
    whole list stays below so the page is never a dead end.
    """
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    matches = places.find_places(query) if query else []
    if query and not matches:
        # Overseas and cedex codes are not in the commune table: their département is.
        fallback = geo.departement_place(query)
        matches = [fallback] if fallback else []
    origin = matches[0] if len(matches) == 1 else None
    if origin is not None:
        sites = selectors.public_sites_near(origin)
    else:
        sites = selectors.public_site_list()
    page = Paginator(sites, SITES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "website/directory.html",
        {
            "page": page,
            "sites": page.object_list,
            "query": query,
            "origin": origin,
            "choices": matches if len(matches) > 1 else [],
            "not_found": bool(query) and not matches,
        },
    )


@public
def site_detail(request, short_code):
    try:
        site = selectors.public_site(short_code=short_code)
    except Site.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "website/site_detail.html",
        {
            "site": site,
            "directions": site_directions(site),
            "closures": selectors.public_upcoming_closures(site, today=clock.localdate()),
            "offers": public_offers(site=site),
            # One query, seats counted in it.
            "workshops": list(public_upcoming_workshops(site=site)[: SITE_PAGE_WORKSHOPS + 1]),
            "workshops_shown": SITE_PAGE_WORKSHOPS,
        },
    )


@public
def legal_notice(request):
    return render(
        request, "website/legal_notice.html", {"figures": selectors.public_network_figures()}
    )


@public
def privacy(request):
    return render(request, "website/privacy.html", {"figures": selectors.public_network_figures()})


@public
def accessibility(request):
    return render(
        request, "website/accessibility.html", {"figures": selectors.public_network_figures()}
    )
