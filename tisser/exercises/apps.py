from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "tisser.exercises"
    label = "exercises"
    verbose_name = "Exercices"
