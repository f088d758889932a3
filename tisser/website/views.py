from django.shortcuts import get_object_or_404, render

from tisser.accounts.models import OpeningHours, Site
from tisser.core.access import public
from django.db.models import Prefetch


def _public_sites():
    return Site.objects.active().prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at"))
    )


@public
def home(request):
    return render(request, "website/home.html", {"site_count": Site.objects.active().count()})


@public
def directory(request):
    return render(request, "website/directory.html", {"sites": _public_sites().order_by("city", "name")})


@public
def site_detail(request, short_code):
    site = get_object_or_404(_public_sites(), short_code=short_code.upper())
    return render(request, "website/site_detail.html", {"site": site})


@public
def legal_notice(request):
    return render(request, "website/legal_notice.html")


@public
def privacy(request):
    return render(request, "website/privacy.html")


@public
def accessibility(request):
    return render(request, "website/accessibility.html")
