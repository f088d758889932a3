"""Amounts of money written the French way: ``1 234,56 €`` (Decimal in, text out).

Money is a ``Decimal`` everywhere in Tisser; this module never turns it into a float.
"""

from decimal import ROUND_HALF_UP, Decimal

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def format_euros(value: Decimal | int | str) -> str:
    """``1 234,56 €`` (narrow no-break space between thousands, no-break before €)."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(units):,}".replace(",", NARROW_NBSP)
    return f"{sign}{grouped},{cents}{NBSP}€"
