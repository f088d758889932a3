from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "tisser.offers"
    label = "offers"
    verbose_name = "Offres solidaires et stock"
