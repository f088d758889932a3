from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "tisser.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostic des compétences numériques"
