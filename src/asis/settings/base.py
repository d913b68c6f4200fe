"""Settings shared by every environment. Values come from ``ASIS_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from asis.settings.env import database_from_url, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(PROJECT_DIR / "var")) or "var")

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-secret-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Empty: links in e-mails, exports and API answers use the address of the request (asis.core.site).
SITE_URL = env_str("SITE_URL", "") or ""

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "asis.core",
    "asis.regions",
    "asis.accounts",
    "asis.observatory",
    "asis.calls",
    "asis.impact",
    "asis.policylab",
    "asis.dashboard",
    "asis.sitesearch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "asis.core.input_middleware.InputNormalisationMiddleware",
    "django.middleware.common.CommonMiddleware",
    "asis.core.site.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "asis.accounts.middleware.MandatoryTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asis.urls"
WSGI_APPLICATION = "asis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "asis.core.context_processors.platform",
                "asis.dashboard.context_processors.role_nav",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'asis.sqlite3'}") or ""
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Reverse proxies whose forwarding header is believed (addresses or CIDR networks); empty: trust
# nobody, the client is the connecting address. Every consumer of the client address uses asis.core.clientip.
ASIS_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

# Login rate limiting (django-axes): lock an account+address pair after repeated failures.
AXES_CLIENT_IP_CALLABLE = "asis.core.clientip.client_ip"
# Per account, from any address: past this many failures within the window, password logins need
# a browser that signed in to the account before or one confirmed by an e-mailed link.
ASIS_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
ASIS_LOGIN_ACCOUNT_WINDOW_MINUTES = env_int("LOGIN_ACCOUNT_WINDOW_MINUTES", 60)
# Organisation onboarding: how long the sign-up verification link and an e-mailed invitation work,
# and the version of the terms of use that sign-up records with the person's consent.
ASIS_EMAIL_VERIFICATION_DAYS = env_int("EMAIL_VERIFICATION_DAYS", 3)
ASIS_INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
ASIS_TERMS_VERSION = env_str("TERMS_VERSION", "1")
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "asis.accounts.access.axes_username"

# Two-factor: staff roles must enrol a TOTP device when this is on.
ASIS_MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", False)
OTP_TOTP_ISSUER = "ASIS"

# GDPR: how long operational personal data (job records, login attempts) is kept.
ASIS_RETENTION_DAYS = env_int("RETENTION_DAYS", 365)

# Background jobs: a job whose heartbeat is older than this is considered abandoned.
ASIS_JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
ASIS_TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
REDIS_URL = env_str("REDIS_URL", "")
if ASIS_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("sl", _("Slovenian")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Vienna")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")) or "static")
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", PROJECT_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", PROJECT_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
]
# Observatory map: no tile server by default (regions on a plain background); set a tile URL
# template such as https://tile.example.org/{z}/{x}/{y}.png with its attribution to add one.
ASIS_MAP_TILES_URL = env_str("MAP_TILES_URL", "")
# Observatory: facet counts and ordering from an in-memory index per process (see facet_index.py);
# how often (seconds) a process checks whether another process changed the catalogue.
ASIS_FACET_INDEX = env_bool("FACET_INDEX", True)
ASIS_FACET_INDEX_CHECK_SECONDS = float(env_str("FACET_INDEX_CHECK_SECONDS", "2") or "2")
# Bring a stale index up to date in a background thread while requests use the previous one
# (false: inside the request, as the tests do; ADR 0004).
ASIS_FACET_INDEX_BACKGROUND = env_bool("FACET_INDEX_BACKGROUND", True)
ASIS_MAP_TILES_ATTRIBUTION = env_str("MAP_TILES_ATTRIBUTION", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")) or "media")
MEDIA_URL = "/media/"
# Files only the application itself serves, after a permission check (funding-call attachments)
ASIS_PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")) or "private")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Funding calls: attachments per file and per application; public self-assessments per address and hour
ASIS_ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ASIS_ATTACHMENT_MAX_COUNT = env_int("ATTACHMENT_MAX_COUNT", 20)
# Backups: 32 random bytes, URL-safe base64; when set, `asis backup` encrypts and `asis restore` decrypts.
ASIS_BACKUP_KEY = env_str("BACKUP_KEY", "") or ""
ASIS_SELF_ASSESSMENT_RATE_PER_HOUR = env_int("SELF_ASSESSMENT_RATE_PER_HOUR", 30)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ASIS <noreply@localhost>")

# Security headers. No inline script anywhere: scripts come from /static only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # A refused request is routine: one line (path, user, reason), no traceback.
    "filters": {"short_forbidden": {"()": "asis.core.logfilters.ShortForbidden"}},
    "loggers": {"django.request": {"filters": ["short_forbidden"]}},
}

# Audit log (docs/deploy.md, section 7): HMAC key, or keys "id:key,id:key" of which the last
# signs; without either, development and tests derive one from SECRET_KEY (production refuses).
ASIS_AUDIT_KEY = env_str("AUDIT_KEY", "")
ASIS_AUDIT_KEYS = env_str("AUDIT_KEYS", "")
# Signed checkpoints of the chain head (append-only file) and how often the worker writes one.
ASIS_AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")) or "audit-anchors")
ASIS_AUDIT_ANCHOR_SECONDS = env_int("AUDIT_ANCHOR_SECONDS", 300)

NINJA_PAGINATION_PER_PAGE = 50
# REST API rate limits per client address (anonymous) or per user, e.g. "120/m"; empty: no limit.
ASIS_API_RATE_ANONYMOUS = env_str("API_RATE_ANONYMOUS", "300/m")
ASIS_API_RATE_AUTHENTICATED = env_str("API_RATE_AUTHENTICATED", "1200/m")
CSRF_FAILURE_VIEW = "asis.core.views.csrf_failure"
WHITENOISE_USE_FINDERS = env_bool("SERVE_STATIC_FROM_FINDERS", True)
ASIS_JOB_MODULES = env_list("JOB_MODULES", [])
WHITENOISE_AUTOREFRESH = env_bool("STATIC_AUTOREFRESH", True)

# The core names the parts other apps provide by dotted path, so it imports no app.
API_AUTHENTICATION_CLASSES = ["asis.accounts.api_auth.BearerToken", "asis.accounts.api_auth.VerifiedSession"]
AUDIT_LOG_SCOPE = "asis.accounts.access.audit_scope"

# Impact: the IATI organisation identifier of the publisher (org-id.guide, e.g. "AT-GOV-xyz"); the
# default marks the open-data IATI file as not yet registrable.
ASIS_IATI_PUBLISHER_ID = env_str("IATI_PUBLISHER_ID", "XX-ASIS") or "XX-ASIS"
# Impact monitoring: how long a funded project runs when its call says nothing (yearly reporting periods).
ASIS_IMPACT_DEFAULT_PROJECT_MONTHS = env_int("IMPACT_DEFAULT_PROJECT_MONTHS", 24)

# Policy lab: limits of a Monte Carlo run started from the platform. Agent-months = runs x potential
# initiatives x months (default: 2,000 runs of 10,000 initiatives over 10 years); chunks of runs are
# the unit of a background job; a person has at most this many runs queued or running at once.
ASIS_SIM_MAX_AGENT_MONTHS = env_int("SIM_MAX_AGENT_MONTHS", 2_400_000_000)
ASIS_SIM_MAX_RUNS = env_int("SIM_MAX_RUNS", 2_000)
ASIS_SIM_CHUNK_RUNS = env_int("SIM_CHUNK_RUNS", 25)
ASIS_SIM_MAX_CONCURRENT_RUNS = env_int("SIM_MAX_CONCURRENT_RUNS", 3)
# Array backend of the simulation jobs: "numpy" (CPU), or "cupy" on a worker with an NVIDIA GPU and
# CuPy installed for its CUDA version (same draws, same result distribution; `asis manage check`
# refuses "cupy" where CuPy cannot be imported).
ASIS_SIM_BACKEND = env_str("SIM_BACKEND", "numpy")
