from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "tisser.activities"
    label = "activities"
    verbose_name = "Activités de médiation numérique"
