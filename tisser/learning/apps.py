from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "tisser.learning"
    label = "learning"
    verbose_name = "Modules d'apprentissage"

    def ready(self):
        # The modules are checked with the exercise items (manage.py check_content); the
        # exercises app does not import this one (layers).
        from tisser.exercises.content import register_content_checker
        from tisser.learning import checks  # noqa: F401  (registers the system check)
        from tisser.learning.content import check_with_items

        register_content_checker("modules d'apprentissage", check_with_items)
