"""Template filters of the stock pages."""

from decimal import Decimal

from django import template

register = template.Library()

NARROW_NBSP = "\u202f"


@register.filter
def euros(value):
    """``1 234,50 €``: an amount in French (a narrow no-break space between thousands)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = f"{abs(amount):,.2f}".split(".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{whole.replace(',', NARROW_NBSP)},{cents}\u00a0€"


@register.filter
def month_year(value):
    """``mars 2027``: the month of a date, in French."""
    if not value:
        return ""
    from django.utils.dates import MONTHS

    return f"{MONTHS[value.month]} {value.year}"
