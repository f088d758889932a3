from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tisser.accounts.models import Site
from tisser.core.access import public
from tisser.website import selectors

SITES_PER_PAGE = 50


@public
def home(request):
    return render(request, "website/home.html", {"figures": selectors.public_network_figures()})


@public
def directory(request):
    cities = selectors.public_cities()
    city = request.GET.get("commune", "")
    if city not in cities:
        city = ""
    paginator = Paginator(selectors.public_site_list(city=city), SITES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "website/directory.html",
        {"page": page, "sites": page.object_list, "cities": cities, "city": city},
    )


@public
def site_detail(request, short_code):
    try:
        site = selectors.public_site(short_code=short_code)
    except Site.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "website/site_detail.html", {"site": site})


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
