from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tisser.notifications"
    label = "notifications"
    verbose_name = "Notifications (e-mail et SMS)"

    def ready(self):
        from tisser.notifications import kinds

        # Every app's notification_kinds module: message kinds and hook subscriptions.
        kinds.discover()
