"""``{% load tisser_dates %}`` then ``{{ appointment.starts_at|when }}`` (see core/dates.py)."""

from django import template

from tisser.core.dates import format_when

register = template.Library()


@register.filter
def when(moment):
    """``mardi 5 janvier à 14 h 30`` (the year only when it is not the current one)."""
    if not moment:
        return ""
    return format_when(moment)
