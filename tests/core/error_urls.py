"""The real URL conf plus views that fail on purpose, for tests/core/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config import urls as site_urls
from tisser.core import error_pages
from tisser.core.access import public


@public
def bad(request):
    raise SuspiciousOperation("a tampered request")


@public
def forbidden(request):
    raise PermissionDenied


@public
def too_many(request):
    return error_pages.too_many_requests(request)


@public
def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("essai/400/", bad),
    path("essai/403/", forbidden),
    path("essai/429/", too_many),
    path("essai/500/", broken),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler429 = site_urls.handler429
handler500 = site_urls.handler500
