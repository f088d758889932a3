"""Template filters of the stock pages."""

from django import template

register = template.Library()


@register.filter
def month_year(value):
    """``mars 2027``: the month of a date, in French."""
    if not value:
        return ""
    from django.utils.dates import MONTHS

    return f"{MONTHS[value.month]} {value.year}"
