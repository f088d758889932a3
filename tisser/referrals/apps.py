from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tisser.referrals"
    label = "referrals"
    verbose_name = "Bons d'orientation"
