"""Lists of codes chosen from a reference list (a ``TextChoices``): needs, criteria, reasons…

The services check such lists before storing them (a code outside the reference list is
refused with a French message naming it); the forms put the chosen codes back in the
reference list's own order, whatever order the browser sent them in.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import TextChoices

from tisser.core.errors import DomainError


def known_codes(
    codes: Iterable[Any] | None, choices: type[TextChoices], *, unknown_message: str
) -> list[str]:
    """The codes once each, in the order given, all from ``choices``.

    Otherwise refuses with ``DomainError(unknown_message % {"codes": …})``, the unknown
    codes listed in the order given.
    """
    codes = list(dict.fromkeys(codes or ()))
    unknown = [str(code) for code in codes if code not in choices.values]
    if unknown:
        raise DomainError(unknown_message % {"codes": ", ".join(unknown)})
    return [str(code) for code in codes]


def in_choice_order(codes: Iterable[Any] | None, choices: type[TextChoices]) -> list[str]:
    """The chosen codes in the reference list's own order (unknown codes are left out)."""
    chosen = set(codes or ())
    return [code for code in choices.values if code in chosen]
