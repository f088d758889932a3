"""Test settings: fast hashing, mail kept in memory, same middleware and rules as prod."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Serve static files from the finders: tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # type: ignore[assignment]  # no collectstatic in tests
# Tasks run at once (after the transaction commits), so tests see their effects.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SMS_BACKEND = "tisser.notifications.sms.LocmemSmsBackend"
# The demo's referrals (tisser.referrals.demo): 600 in dev, one full round of paths in tests.
DEMO_REFERRALS = 40
# Fixed, public test keys for voucher codes (docs/decisions/0041).
VOUCHER_CODE_KEYS = ["dGlzc2VyLXRlc3Qtdm91Y2hlci1rZXktbm90c2VjcmU="]
VOUCHER_FINGERPRINT_KEY = "tisser-test-fingerprint-key-not-secret"
