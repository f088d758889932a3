"""Local development: runs with zero environment variables."""

from config.env import env_str

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"

# Fixed, public development keys for voucher codes: never valid anywhere else.
VOUCHER_CODE_KEYS = VOUCHER_CODE_KEYS or ["dGlzc2VyLWRldi12b3VjaGVyLWtleS1ub3Qtc2VjcmU="]  # noqa: F405
VOUCHER_FINGERPRINT_KEY = VOUCHER_FINGERPRINT_KEY or "tisser-dev-fingerprint-key-not-secret"  # noqa: F405
