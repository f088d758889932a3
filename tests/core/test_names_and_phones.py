import pytest
from django.core.exceptions import ValidationError

from tisser.core.names import name_tokens, normalize_name, search_key
from tisser.core.phones import display_phone, is_mobile, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Müller", "muller"),
        ("MULLER", "muller"),
        ("Jean-Pierre", "jean pierre"),
        ("  N'Diaye ", "n diaye"),
        ("Œuvray", "oeuvray"),
        ("Ève  Lefèvre", "eve lefevre"),
    ],
)
def test_names_are_normalised_without_accents_case_or_hyphens(raw, expected):
    assert normalize_name(raw) == expected


def test_search_key_puts_the_last_name_first():
    assert search_key("Anna", "Müller-Schmitt") == "muller schmitt anna"


def test_swapped_first_and_last_names_give_the_same_tokens():
    assert name_tokens("Karim", "Haddad") == name_tokens("Haddad", "Karim")


@pytest.mark.parametrize(
    "raw", ["06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "0033612345678"]
)
def test_french_mobile_numbers_are_stored_in_e164(raw):
    assert normalize_phone(raw) == "+33612345678"


@pytest.mark.parametrize("raw", ["12345", "06 12 34", "bonjour", "+33 6 12 34 56 78 90"])
def test_invalid_numbers_are_refused_in_french(raw):
    with pytest.raises(ValidationError, match="n'est pas valide"):
        normalize_phone(raw)


def test_empty_phone_stays_empty():
    assert normalize_phone("  ") == ""


def test_display_and_mobile_detection():
    assert display_phone("+33612345678") == "06 12 34 56 78"
    assert is_mobile("+33612345678")
    assert not is_mobile("+33388123456")
