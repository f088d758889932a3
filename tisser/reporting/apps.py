from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "tisser.reporting"
    label = "reporting"
    verbose_name = "Chiffres d'impact"
