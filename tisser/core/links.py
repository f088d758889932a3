"""Links to one object's page, for lists that draw one per row, and fixed links.

``reverse()`` resolves the URL pattern on every call; a list paid it once per row
for links that differ only by their id. ``id_url`` resolves the pattern once (per URL
prefix and URL conf) with a marker id, then writes each link by putting the id in its
place. ``fixed_url`` keeps a link without arguments once resolved (the navigation).
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

from tisser.core.ids import MAX_ID

MARKER = str(MAX_ID)


@functools.lru_cache(maxsize=256)
def _around_the_id(viewname: str, kwarg: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    url = reverse(viewname, kwargs={kwarg: MAX_ID}, urlconf=urlconf)
    before, marker, after = url.partition(MARKER)
    if not marker or MARKER in after:
        raise ValueError(f"{viewname}: the id must appear once in its URL ({url})")
    return before, after


def id_url(viewname: str, value: int, *, kwarg: str = "pk") -> str:
    """``reverse(viewname, kwargs={kwarg: value})`` for a URL whose only argument is an id."""
    before, after = _around_the_id(viewname, kwarg, get_script_prefix(), get_urlconf())
    return f"{before}{int(value)}{after}"


@functools.lru_cache(maxsize=256)
def _fixed(viewname: str, prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, urlconf=urlconf)


def fixed_url(viewname: str) -> str:
    """``reverse(viewname)`` for a URL without arguments, resolved once per URL prefix and
    URL conf: the navigation draws a dozen of them on every signed-in page."""
    return _fixed(viewname, get_script_prefix(), get_urlconf())
