from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "tisser.training"
    label = "training"
    verbose_name = "Programmes et ateliers"
