from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tisser.learning"
    label = "learning"
    verbose_name = "Modules d'apprentissage"

    def ready(self):
        # The modules are checked with the exercise items (manage.py check_content); the
        # exercises app does not import this one (layers).
        from tisser.diagnostics.next_steps import register_next_steps
        from tisser.exercises.content import register_content_checker
        from tisser.learning import (
            checks,  # noqa: F401  (registers the system check)
            diagnostic_steps,
        )
        from tisser.learning.content import check_with_items

        register_content_checker("modules d'apprentissage", check_with_items)
        # The modules a diagnostic's results suggest, on its results pages; the diagnostics
        # app does not import this one either (layers).
        register_next_steps(
            "modules d'apprentissage",
            staff=diagnostic_steps.staff_next_steps,
            learner=diagnostic_steps.learner_next_steps,
        )
