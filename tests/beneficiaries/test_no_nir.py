"""CNIL: no social-security number (NIR) anywhere in the data model, nor in free text.

The introspection runs over ``apps.get_models()`` at test time, so every model that a
later issue adds is checked without anyone editing this file.
"""

import re
import unicodedata

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from tisser.beneficiaries.enums import Nationality

# Words that name a social-security number, on normalised names and labels
# ("numéro de sécurité sociale" -> "numero de securite sociale").
SUSPECT_PATTERNS = [
    r"\bnir\b",
    r"\bsecu\b",
    r"\bsecurite sociale\b",
    r"\bsecu sociale\b",
    r"\bsocial security\b",
    r"\bssn\b",
    r"\bnumero (de )?ss\b",
    r"\bnum ss\b",
    r"\bno ss\b",
    r"\bn ss\b",
    r"\bnumero insee\b",
    r"\binsee number\b",
    r"\bimmatriculation\b",
    r"\bcarte vitale\b",
    r"\bvitale\b",
    r"\bameli\b",
]
# "insee" alone is a NIR too ("numéro INSEE"), but a commune's INSEE code is not.
INSEE_ALONE = re.compile(r"\binsee\b")
COMMUNE_CODE = re.compile(r"\b(code|commune)\b")
SUSPECT = re.compile("|".join(SUSPECT_PATTERNS))


def normalise(text) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def looks_like_nir_field(field) -> bool:
    for text in (getattr(field, "name", ""), getattr(field, "verbose_name", "")):
        words = normalise(text)
        if SUSPECT.search(words):
            return True
        if INSEE_ALONE.search(words) and not COMMUNE_CODE.search(words):
            return True
    return False


def suspect_fields(models_to_check):
    found = []
    for model in models_to_check:
        for field in model._meta.get_fields(include_hidden=True):
            if looks_like_nir_field(field):
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_no_installed_model_has_a_social_security_number_field():
    checked = apps.get_models(include_auto_created=True)
    assert len(checked) > 15, "the introspection must see the whole project"
    assert suspect_fields(checked) == []


@pytest.mark.parametrize(
    "name, verbose_name",
    [
        ("nir", "identifiant"),
        ("numero_secu", "numéro"),
        ("ssn", "ssn"),
        ("social_security_number", "number"),
        ("identifier", "Numéro de sécurité sociale"),
        ("numero_ss", "n° SS"),
        ("insee", "numéro INSEE"),
        ("code", "N° de sécu"),
        ("carte", "numéro de carte Vitale"),
        ("nir_key", "clé"),
    ],
)
def test_the_detector_flags_every_usual_name(name, verbose_name):
    field = models.CharField(verbose_name, max_length=15, name=name)
    assert looks_like_nir_field(field)


@pytest.mark.parametrize(
    "name, verbose_name",
    [
        ("first_name", "prénom"),
        ("file_number", "numéro de dossier"),
        ("session_key", "session"),
        ("code_insee", "code INSEE de la commune"),
        ("siret", "SIRET"),
        ("nationality", "nationalité"),
        ("phone", "téléphone"),
    ],
)
def test_the_detector_leaves_ordinary_fields_alone(name, verbose_name):
    field = models.CharField(verbose_name, max_length=15, name=name)
    assert not looks_like_nir_field(field)


@isolate_apps("tests.beneficiaries")
def test_a_model_added_later_with_such_a_field_is_caught():
    """The walk reads the app registry: a new model is checked without editing this test."""

    class LaterFeatureRecord(models.Model):
        note = models.TextField()
        numero_securite_sociale = models.CharField(max_length=15)

        class Meta:
            app_label = "beneficiaries"

        def __str__(self):
            return self.note

    registry = LaterFeatureRecord._meta.apps
    assert suspect_fields(registry.get_models()) == [
        "beneficiaries.LaterFeatureRecord.numero_securite_sociale"
    ]


def test_nationality_holds_only_the_three_cnil_values():
    assert set(Nationality.values) == {"FR", "UE", "HORS_UE"}
    from tisser.beneficiaries.models import Beneficiary

    field = Beneficiary._meta.get_field("nationality")
    assert field.blank, "nationality must stay optional"
    assert {value for value, _label in field.choices} == {"FR", "UE", "HORS_UE"}


def test_asylum_is_only_an_optional_yes_or_no():
    from tisser.beneficiaries.models import Beneficiary

    field = Beneficiary._meta.get_field("asylum_request")
    assert isinstance(field, models.BooleanField) and field.null and field.blank
    names = {f.name for f in Beneficiary._meta.get_fields()}
    assert not {n for n in names if "asylum" in n} - {"asylum_request"}


def test_the_notice_date_and_version_are_required():
    from tisser.beneficiaries.models import Beneficiary

    for name in ("notice_given_on", "notice_version"):
        field = Beneficiary._meta.get_field(name)
        assert not field.null and not field.blank, name
