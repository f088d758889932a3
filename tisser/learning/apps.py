from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tisser.learning"
    label = "learning"
    verbose_name = "Modules d'apprentissage"
