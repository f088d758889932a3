from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    name = "tisser.website"
    label = "website"
    verbose_name = "Site public"
