"""Settings of the benchmark's web server: the dev settings with DEBUG off, as in production.

DEBUG off means no SQL recording on every query and the cached template loader, like prod;
the database is the one in DATABASE_URL (the generated benchmark database).
"""

from config.settings.dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
