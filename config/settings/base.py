"""Settings shared by every environment. Machine-dependent values come from config.env."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "tisser.core",
    "tisser.accounts",
    "tisser.website",
    "tisser.beneficiaries",
    "tisser.referrals",
    "tisser.activities",
    "tisser.funding",
    "tisser.learners",
    "tisser.offers",
    "tisser.sales",
    "tisser.notifications",
    "tisser.exercises",
    "tisser.diagnostics",
    "tisser.learning",
    "tisser.training",
    "tisser.reporting",
    "tisser.workspace",
    "tisser.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "tisser.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tisser.core.middleware.SecurityHeadersMiddleware",
    "tisser.accounts.middleware.StaffSessionExpiryMiddleware",
    "tisser.accounts.middleware.CurrentMembershipMiddleware",
    # request.learner (lazy): read by the access policy and the learners' pages.
    "tisser.learners.middleware.LearnerMiddleware",
    "tisser.accounts.middleware.AccessPolicyMiddleware",
    "tisser.accounts.middleware.MandatoryTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Django's form renderer with <select> drawn in Python (tisser/core/form_renderer.py).
FORM_RENDERER = "tisser.core.form_renderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tisser" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tisser.core.context_processors.security",
                "tisser.accounts.context_processors.membership",
                "tisser.referrals.context_processors.referral_counts",
            ],
        },
    }
]


# pg_trgm word similarity from which the trigram index offers a file to the name search
# (the default, 0.6, is too strict for one typo in a short name such as "Matrin").
SEARCH_WORD_SIMILARITY_THRESHOLD = 0.4


def database_config(url: str) -> dict:
    """Parse DATABASE_URL and add the safety options each engine needs."""
    config: dict = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
    config["ATOMIC_REQUESTS"] = True
    # A persistent connection is checked before each request reuses it: a restarted
    # PostgreSQL costs one reconnection, not one failed request per process.
    config["CONN_HEALTH_CHECKS"] = True
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock
        # at BEGIN so concurrent writers wait (busy timeout) instead of failing mid-way.
        options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        options["timeout"] = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20)
        options["transaction_mode"] = "IMMEDIATE"
    elif config["ENGINE"] == "django.db.backends.postgresql":
        statement_ms = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000)
        lock_ms = env_int("DB_LOCK_TIMEOUT_MS", 5_000)
        # The file search's trigram step (beneficiaries.selectors) needs a lower word
        # similarity than pg_trgm's default: set once per connection rather than by one
        # more statement in every search (docs/decisions/0018-signed-in-page-cost.md).
        options["options"] = (
            f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"
            f" -c pg_trgm.word_similarity_threshold={SEARCH_WORD_SIMILARITY_THRESHOLD}"
        )
        # Parameters bound by the server, and a statement run twice on a connection prepared:
        # PostgreSQL then plans a page's repeated queries once per connection instead of on
        # every request (docs/decisions/0018-signed-in-page-cost.md, fifth round). Turn it
        # off behind a pooler in transaction mode (PgBouncer before 1.21).
        if env_bool("DB_PREPARED_STATEMENTS", True):
            options["server_side_binding"] = True
            options["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 2)
    return config


DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tisser.sqlite3'}"
DATABASES = {"default": database_config(env_str("DATABASE_URL") or DEFAULT_DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, the session's user read with their memberships in one
    # query (tisser/accounts/backends.py).
    "tisser.accounts.backends.ModelBackend",
    "tisser.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "website:home"

# --- django-allauth: e-mail + password, invitation only, no account enumeration.
ACCOUNT_ADAPTER = "tisser.accounts.adapters.TisserAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = (
    "allauth.account.forms.EmailAwarePasswordResetTokenGenerator"
)
ACCOUNT_RATE_LIMITS = {
    # 5 failed attempts on one account within 5 minutes lock it for the rest of the window.
    "login_failed": "5/5m/key,60/5m/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
# A passkey (WebAuthn) or an authenticator app (TOTP), plus recovery codes for a lost one.
# A passkey alone signs in (it checks the person with a PIN or a fingerprint): quick at a
# shared counter (docs/decisions/0014-two-factor-for-every-role.md).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {
    "add_webauthn": "tisser.accounts.mfa_forms.TisserAddWebAuthnForm",
    "edit_webauthn": "tisser.accounts.mfa_forms.TisserEditWebAuthnForm",
}
MFA_TOTP_ISSUER = "Tisser"
MFA_RECOVERY_CODE_COUNT = 10

# Staff sessions: 30 minutes idle, 12 hours in all (enforced by StaffSessionExpiryMiddleware).
STAFF_SESSION_IDLE_SECONDS = 30 * 60
STAFF_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = STAFF_SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Invitations to join an organisation expire after this many hours.
INVITATION_VALID_HOURS = env_int("INVITATION_VALID_HOURS", 72)
# An appointment is offered at most this many days ahead (about 6 months by default).
APPOINTMENT_HORIZON_DAYS = env_int("APPOINTMENT_HORIZON_DAYS", 183)
if not 1 <= APPOINTMENT_HORIZON_DAYS <= 3660:
    raise ImproperlyConfigured("APPOINTMENT_HORIZON_DAYS must be between 1 and 3660.")
# Journal entries are kept 12 months (CNIL, audit logs: 6 to 12 months).
JOURNAL_RETENTION_DAYS = 365

# --- Stock (issue 10; docs/decisions/0038 and 0039) ---
# How long a reservation holds stock when the counter gives no end, and the longest hold.
STOCK_RESERVATION_DEFAULT_HOURS = 48
STOCK_RESERVATION_MAX_DAYS = 14
# Device grade (reference-lists §4.2): points per spec, (threshold, points) from the best;
# the lowest score of each grade; the CPU benchmark under which a hard disk caps at C.
DEVICE_GRADE_RAM_POINTS = ((16, 4), (8, 3), (4, 2), (2, 1))
DEVICE_GRADE_STORAGE_POINTS = ((512, 3), (256, 2), (128, 1))
DEVICE_GRADE_CPU_POINTS = ((12000, 4), (8000, 3), (4000, 2), (2000, 1))
DEVICE_GRADE_NVME_BONUS = 1
DEVICE_GRADE_WEAK_CPU = 4000
DEVICE_GRADE_MIN_SCORE = {"PREMIUM": 11, "A": 8, "B": 6, "C": 4}

# Background tasks (messages, reminders): the ORM-backed queue, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SMS: a pluggable backend. The file backend writes each SMS to var/sms/ (dev, demo, tests);
# the HTTP backend posts to a provider whose URL, key and sender come from the environment.
SMS_BACKEND = env_str("SMS_BACKEND", "tisser.notifications.sms.FileSmsBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH") or VAR_DIR / "sms")
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_API_KEY = env_str("SMS_HTTP_API_KEY", "")
SMS_SENDER = env_str("SMS_SENDER", "TISSER")
SMS_HTTP_TIMEOUT_SECONDS = env_int("SMS_HTTP_TIMEOUT_SECONDS", 10)
# The provider's delivery reports and STOP replies (/notifications/sms/retour/) are signed
# with this shared secret; without it every callback is refused.
SMS_CALLBACK_SECRET = env_str("SMS_CALLBACK_SECRET", "")
# A callback signed longer ago than this (or this far in the future) is a replay: refused.
SMS_CALLBACK_MAX_AGE_SECONDS = env_int("SMS_CALLBACK_MAX_AGE_SECONDS", 300)
# How many times a failed message is tried before it stays "failed".
NOTIFICATION_MAX_ATTEMPTS = 5
# Wait before try n+1: this many seconds, doubled at each failure (5, 10, 20, 40 minutes).
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 300)
# Impact figures: each process keeps the people sets it decoded (tisser/reporting/
# set_cache.py), up to this many bytes of stored sets, so a page over months and days does
# not read the same sets again (a rolling year's page reads about 14 MB of them).
REPORTING_SET_CACHE_BYTES = env_int("REPORTING_SET_CACHE_BYTES", 64 * 1024 * 1024)
# Rate limits (tisser/core/ratelimit.py) count in the cache. One process may keep Django's
# default per-process memory cache; several processes must share Redis, whose INCR keeps
# the counts atomic (docs/decisions/0010-anonymous-forms.md).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
# Behind a reverse proxy (docs/operations.md): the header in which the proxies append the
# address they saw, and how many proxies stand in front of the application. The client's
# address is the entry written by the outermost one, N entries from the right
# (tisser/core/client_ip.py). Unset: REMOTE_ADDR, for a server that faces clients directly.
TRUSTED_PROXY_HEADER = (env_str("TRUSTED_PROXY_HEADER", "") or "").strip()
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if TRUSTED_PROXY_HEADER else 0)
if TRUSTED_PROXY_COUNT < 0 or (TRUSTED_PROXY_COUNT > 0 and not TRUSTED_PROXY_HEADER):
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT must be 0, or positive together with TRUSTED_PROXY_HEADER."
    )
# SMS triggered by anonymous forms (the help request's acknowledgement): at most this many
# per site and per day; beyond it the request is recorded without an SMS and staff are told.
ANONYMOUS_SMS_DAILY_CAP_PER_SITE = env_int("ANONYMOUS_SMS_DAILY_CAP_PER_SITE", 50)
# Root of the links in e-mails (scheme and host, no trailing slash needed).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# A refused CSRF token (a form left open too long) is a French page, not Django's.
CSRF_FAILURE_VIEW = "tisser.core.error_pages.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

# Exercise items as data files, checked by tisser/exercises/schemas (manage.py check_content).
EXERCISES_CONTENT_DIR = BASE_DIR / "content" / "exercises"
# The skills framework and the diagnostic's forms (tisser/diagnostics/framework.py).
SKILLS_CONTENT_DIR = BASE_DIR / "content" / "skills"
# Self-paced learning modules, one JSON file each (tisser/learning/content.py).
LEARNING_CONTENT_DIR = BASE_DIR / "content" / "modules"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tisser <ne-pas-repondre@tisser.localhost>")
EMAIL_SUBJECT_PREFIX = "[Tisser] "
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Voucher codes (recharges, SIM cards) are encrypted at rest with Fernet (tisser/offers/vouchers.py,
# docs/decisions/0041). VOUCHER_CODE_KEYS: comma-separated Fernet keys, the first encrypts and
# every one decrypts (rotation: put the new key first, run `manage.py rotate_voucher_keys`, then
# drop the old one). VOUCHER_FINGERPRINT_KEY: the HMAC key of the codes' fingerprints (finds a
# code already in stock without decrypting); changing it means recomputing every fingerprint.
# Neither is ever derived from SECRET_KEY. Empty here: dev and test set fixed non-secret keys,
# production refuses to start without both.
VOUCHER_CODE_KEYS = env_list("VOUCHER_CODE_KEYS")
VOUCHER_FINGERPRINT_KEY = env_str("VOUCHER_FINGERPRINT_KEY", "") or ""
