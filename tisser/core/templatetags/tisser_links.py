"""``{% load tisser_links %}{% link 'workspace:home' %}``: ``{% url %}`` for a URL without
arguments, resolved once per process (``core.links.fixed_url``) instead of on every page.

The header, the footer and the home pages draw about fifteen such links on every request;
``{% url %}`` resolves each one again each time (docs/decisions/0018-signed-in-page-cost.md,
fourth round). ``{% link 'name' as variable %}`` works as ``{% url … as … %}``.
"""

from django import template

from tisser.core.links import fixed_url, id_url

register = template.Library()


@register.simple_tag
def link(view_name: str) -> str:
    return fixed_url(view_name)


@register.simple_tag
def id_link(view_name: str, pk) -> str:
    """``{% url view_name pk=pk %}`` for a URL whose only argument is an id (``core.links.id_url``:
    the pattern resolved once, the id put in its place), for links drawn on each row."""
    return id_url(view_name, pk)
