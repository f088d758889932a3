import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

POSTAL_CODE_RE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$")
SHORT_CODE_RE = re.compile(r"^[A-Z0-9]{2,10}$")


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE_RE.match(value or ""):
        raise ValidationError(_("Le code postal doit comporter 5 chiffres, par exemple 67000."))


def validate_short_code(value: str) -> None:
    if not SHORT_CODE_RE.match(value or ""):
        raise ValidationError(
            _("Le code court doit faire de 2 à 10 lettres majuscules ou chiffres, par exemple STR.")
        )


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if not value:
        return
    if not re.fullmatch(r"\d{14}", value):
        raise ValidationError(_("Le SIRET doit comporter exactement 14 chiffres, sans espace."))
    # La Poste's establishments are the documented exception to the Luhn rule.
    if not luhn_is_valid(value) and not value.startswith("356000000"):
        raise ValidationError(_("Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte)."))


def validate_services(value) -> None:
    from tisser.accounts.enums import PlaceService

    if not isinstance(value, list) or any(item not in PlaceService.values for item in value):
        raise ValidationError(_("Choisissez des services dans la liste proposée."))
