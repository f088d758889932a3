from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "tisser.learners"
    label = "learners"
    verbose_name = "Accès des apprenants"
