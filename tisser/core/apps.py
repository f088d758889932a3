from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tisser.core"
    label = "core"
    verbose_name = "Noyau"
