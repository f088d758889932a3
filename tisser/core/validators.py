"""Validators shared by every app."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A French social-security number (NIR): sex digit, year, month, département (2A/2B for
# Corsica), commune, order number, optional 2-digit key; spaces, dots or dashes allowed.
NIR_PATTERN = re.compile(
    r"(?<!\d)[1-478][\s.-]?\d{2}[\s.-]?(?:0[1-9]|1[0-2]|[2-9]\d)[\s.-]?(?:\d{2}|2[AaBb])"
    r"[\s.-]?\d{3}[\s.-]?\d{3}(?:[\s.-]?\d{2})?(?!\d)"
)


def contains_nir(text: str) -> bool:
    return bool(text) and bool(NIR_PATTERN.search(text))


def reject_nir(value: str) -> None:
    """Refuse free text holding what looks like a social-security number (CNIL: never collected)."""
    if contains_nir(value or ""):
        raise ValidationError(
            _(
                "Ce texte semble contenir un numéro de sécurité sociale. Ce numéro ne doit "
                "jamais être enregistré : retirez-le pour continuer."
            ),
            code="nir",
        )
