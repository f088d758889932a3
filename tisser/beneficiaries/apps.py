from django.apps import AppConfig


class BeneficiariesConfig(AppConfig):
    name = "tisser.beneficiaries"
    label = "beneficiaries"
    verbose_name = "Dossiers des personnes accompagnées"
