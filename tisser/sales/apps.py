from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "tisser.sales"
    label = "sales"
    verbose_name = "Droits d'accès solidaires et quotas"
