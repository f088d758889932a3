"""Phone numbers: validated and stored in E.164 (+33612345678), shown in the French way."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "FR"


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a phone number typed in any usual way, or raise in French."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78."), code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78."), code="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """SMS can only reach mobile numbers (and numbers whose type the library cannot tell)."""
    if not e164:
        return False
    number = phonenumbers.parse(e164, None)
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def is_french_mobile(e164: str) -> bool:
    """A valid French mobile number (06 or 07, +33 6 or +33 7): the only numbers that get
    an SMS triggered by an anonymous form (see docs/decisions/0010-anonymous-forms.md)."""
    if not e164:
        return False
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return (
        number.country_code == 33
        and str(number.national_number)[:1] in ("6", "7")
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def display_phone(e164: str) -> str:
    """06 12 34 56 78 for French numbers, the international form for others."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
