import pytest
from django.core.exceptions import ValidationError

from tisser.core.validators import contains_nir, reject_nir


@pytest.mark.parametrize(
    "text",
    [
        "Son numéro : 1 85 05 78 006 084 36",
        "NIR 185057800608436",
        "2.94.03.2A.123.456.12",
        "sécu 2940375123456",
    ],
)
def test_text_shaped_like_a_social_security_number_is_refused(text):
    assert contains_nir(text)
    with pytest.raises(ValidationError, match="numéro de sécurité sociale"):
        reject_nir(text)


@pytest.mark.parametrize(
    "text",
    [
        "Rendez-vous le 12/03/2026 à 14 h",
        "Téléphone 06 12 34 56 78",
        "Code postal 67000, né en 1985",
        "SIRET 12345678901234 du CCAS",
    ],
)
def test_ordinary_text_with_numbers_is_accepted(text):
    assert not contains_nir(text)
    reject_nir(text)
