from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tisser.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self):
        from tisser.core import ids

        # Before any URL conf is loaded: every urls.py captures object ids as ``<id:...>``.
        ids.register()
