from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tisser.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"
