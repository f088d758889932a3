"""Where demo data may be written: never in production (deny by default)."""

import os

from django.conf import settings
from django.utils.translation import gettext as _

# Settings modules in which demo data may be written. Deny by default: production, staging
# or any custom settings module is refused, and so is any process with TISSER_ENV=prod.
DEMO_ALLOWED_SETTINGS_MODULES = frozenset({"config.settings.dev", "config.settings.test"})
PRODUCTION_ENV_VALUES = frozenset({"prod", "production"})


def refusal_reason() -> str | None:
    """Why demo data must not be written here, or None when it may."""
    tisser_env = os.environ.get("TISSER_ENV", "").strip().lower()
    if tisser_env in PRODUCTION_ENV_VALUES:
        return _(
            "Refusé : TISSER_ENV vaut « %(env)s ». Les données de démonstration ne "
            "s'installent jamais en production."
        ) % {"env": tisser_env}
    # override_settings (used by live test servers) hides SETTINGS_MODULE: fall back to the
    # module the process was started with.
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get(
        "DJANGO_SETTINGS_MODULE", ""
    )
    if module not in DEMO_ALLOWED_SETTINGS_MODULES:
        return _(
            "Refusé : les données de démonstration s'installent seulement avec les réglages "
            "de développement ou de test (réglages actuels : « %(module)s »)."
        ) % {"module": module or "?"}
    return None
