"""Printouts: an HTML template drawn as a PDF by WeasyPrint, answered inline.

One engine for every printout (house style): a template under ``templates/pdf/`` extends
``pdf/base.html`` (A4, system fonts, no remote resource), the view journals what it must and
returns ``pdf_response``. WeasyPrint never fetches a URL: a printout holds only what its
template writes, so a slow or hostile address cannot stall a worker.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML, default_url_fetcher


def _no_fetch(url: str, *args, **kwargs):
    """Only inline ``data:`` resources are read; anything else is refused."""
    if url.startswith("data:"):
        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDF printouts do not fetch resources: {url[:60]}")


def render_pdf(template: str, context: dict, request=None) -> bytes:
    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def pdf_response(template: str, context: dict, *, request, filename: str) -> HttpResponse:
    """The PDF opened in the browser's viewer (inline), with a name to save it under.
    Never cached: a printout may carry a person's appointment."""
    response = HttpResponse(render_pdf(template, context, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
