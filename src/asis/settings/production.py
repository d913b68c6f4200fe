"""Production: PostgreSQL, Redis, HTTPS. Refuses to start without a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from asis.settings.base import *  # noqa: F403

if not os.environ.get("ASIS_SECRET_KEY"):
    raise ImproperlyConfigured("ASIS_SECRET_KEY must be set in production (50+ random characters).")
SECRET_KEY = os.environ["ASIS_SECRET_KEY"]
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("ASIS_SECRET_KEY is too short or too simple: use 50+ random characters.")
DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
