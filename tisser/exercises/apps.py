from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "tisser.exercises"
    label = "exercises"
    verbose_name = "Exercices"

    def ready(self):
        from tisser.exercises import checks  # noqa: F401 (registers the content check)
