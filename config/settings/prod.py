"""Production: refuses to start without its secrets and hosts."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_required, env_str

from .base import *  # noqa: F403
from .base import database_config

DEBUG = False
SECRET_KEY = env_required("SECRET_KEY")
DATABASES = {"default": database_config(env_required("DATABASE_URL"))}
ALLOWED_HOSTS = [h.strip() for h in env_required("ALLOWED_HOSTS").split(",") if h.strip()]
# Voucher codes' keys (docs/decisions/0041): their own secrets, never derived from SECRET_KEY.
env_required("VOUCHER_CODE_KEYS")
VOUCHER_CODE_KEYS = env_list("VOUCHER_CODE_KEYS")
VOUCHER_FINGERPRINT_KEY = env_required("VOUCHER_FINGERPRINT_KEY")
if VOUCHER_FINGERPRINT_KEY == SECRET_KEY or SECRET_KEY in VOUCHER_CODE_KEYS:
    raise ImproperlyConfigured("The voucher keys must not be SECRET_KEY.")
if len(VOUCHER_FINGERPRINT_KEY) < 32:
    raise ImproperlyConfigured("VOUCHER_FINGERPRINT_KEY must be at least 32 characters long.")
try:
    from cryptography.fernet import Fernet

    for _voucher_key in VOUCHER_CODE_KEYS:
        Fernet(_voucher_key)
except ValueError as exc:
    raise ImproperlyConfigured(
        "VOUCHER_CODE_KEYS must be Fernet keys (32 url-safe base64-encoded bytes each)."
    ) from exc
# Every process and every machine shares one cache: rate limits (the anonymous forms',
# allauth's sign-in limits) must count in one place, so production refuses LocMem.
CACHE_URL = env_str("CACHE_URL") or env_str("REDIS_URL")
if not (CACHE_URL or "").strip():
    raise ImproperlyConfigured(
        "The environment variable REDIS_URL (or CACHE_URL) is required in production."
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL.strip(),
    }
}
# Sessions are read from that cache and written through to the database: a signed-in page
# no longer asks PostgreSQL for its session, and a cache flush signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL") or f"https://{ALLOWED_HOSTS[0]}"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer's health check may come over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Strict"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
