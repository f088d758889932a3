"""Money and quantities are never floats: no ``FloatField`` in any of the project's models.

A float cannot hold 0.10 € exactly, and sums of prices drift; amounts are ``DecimalField``
(house-style, "Dangerous constructs"). The check walks every installed model of the
``tisser`` package, so a model added by a later issue is checked without editing this test.
"""

from django.apps import apps
from django.db import models

from tisser.offers.models import Offer


def float_fields(candidates):
    return [
        f"{model._meta.label}.{field.name}"
        for model in candidates
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("tisser.")]


def test_the_walk_sees_the_models_with_money():
    labels = {model._meta.label for model in project_models()}
    assert {"offers.Offer", "funding.DonationLot", "offers.StockLevel"} <= labels
    assert isinstance(Offer._meta.get_field("solidarity_price"), models.DecimalField)


def test_no_float_field_in_any_model():
    assert float_fields(project_models()) == []


def test_the_check_catches_a_float_field():
    class Priced(models.Model):
        price = models.FloatField()

        class Meta:
            app_label = "offers"
            managed = False

        def __str__(self):
            return str(self.price)

    try:
        assert float_fields([Priced]) == ["offers.Priced.price"]
    finally:
        apps.all_models["offers"].pop("priced", None)
        apps.clear_cache()
