from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "tisser.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostic des compétences numériques"

    def ready(self):
        # The skills framework and its forms are checked with the exercise items they use
        # (manage.py check_content); the exercises app does not import this one (layers).
        from tisser.diagnostics import checks  # noqa: F401  (registers the system check)
        from tisser.diagnostics.framework import check_with_items
        from tisser.exercises.content import register_content_checker

        register_content_checker("référentiel de compétences", check_with_items)
