"""Checks of device identifiers typed or imported at receipt."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IMEI = re.compile(r"^\d{15}$")


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that completes ``body`` (an IMEI's 15th digit for its first 14)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum (the IMEI's 15th digit checks the first 14)."""
    if not digits.isdigit():
        return False
    return luhn_check_digit(digits[:-1]) == digits[-1]


def normalize_imei(value: str) -> str:
    """Spaces, dots, dashes and slashes people copy from a box label are dropped."""
    return re.sub(r"[\s./-]", "", str(value or ""))


def validate_imei(value: str) -> None:
    imei = normalize_imei(value)
    if not IMEI.match(imei):
        raise ValidationError(
            _("L'IMEI compte 15 chiffres (tapez *#06# sur le téléphone pour l'afficher)."),
            code="imei_length",
        )
    if not luhn_valid(imei):
        raise ValidationError(
            _("Cet IMEI n'est pas valide : vérifiez les 15 chiffres, l'un d'eux est mal recopié."),
            code="imei_checksum",
        )


def normalize_serial(value: str) -> str:
    """Serial numbers compare without case or surrounding spaces."""
    return " ".join(str(value or "").split()).upper()
