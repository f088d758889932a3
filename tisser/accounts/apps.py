from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tisser.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from allauth.mfa.signals import authenticator_removed

        from tisser.accounts.middleware import forget_second_factor_on_removal

        authenticator_removed.connect(
            forget_second_factor_on_removal, dispatch_uid="tisser.accounts.second_factor"
        )
