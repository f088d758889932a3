from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "tisser.funding"
    label = "funding"
    verbose_name = "Financeurs, conventions et dons en nature"
