from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo network: calls each domain's demo builder with one clock (top of the graph)."""

    name = "tisser.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
