"""Settings of the serving benchmark (benchmarks/bench_serve.py): production settings.

``config.settings.prod`` as deployed (DEBUG off, cached templates, the real middleware,
persistent connections, the shared cache when REDIS_URL is set), with the two changes a
plain-HTTP loopback run needs: no redirect to HTTPS, and the static files served without
the manifest (``collectstatic`` is not run for a benchmark). The benchmark sets the
required environment (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS); the voucher keys are the
development ones, which the data generators (dev settings) encrypted the codes with.
"""

import os

from config.settings import dev

os.environ.setdefault("VOUCHER_CODE_KEYS", ",".join(dev.VOUCHER_CODE_KEYS))
os.environ.setdefault("VOUCHER_FINGERPRINT_KEY", dev.VOUCHER_FINGERPRINT_KEY)

from config.settings.prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
