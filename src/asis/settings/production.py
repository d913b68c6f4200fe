"""Production: PostgreSQL, Redis, HTTPS. Refuses to start without a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from asis.core.audit_keys import AuditKeyError, parse_audit_keys
from asis.settings.base import *  # noqa: F403

if not os.environ.get("ASIS_SECRET_KEY"):
    raise ImproperlyConfigured("ASIS_SECRET_KEY must be set in production (50+ random characters).")
SECRET_KEY = os.environ["ASIS_SECRET_KEY"]
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("ASIS_SECRET_KEY is too short or too simple: use 50+ random characters.")
# The audit log's HMAC key must live outside the database and differ from the secret key.
try:
    _audit_keys = parse_audit_keys(os.environ.get("ASIS_AUDIT_KEY"), os.environ.get("ASIS_AUDIT_KEYS"), min_length=32)
except AuditKeyError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
if _audit_keys is None:
    raise ImproperlyConfigured("ASIS_AUDIT_KEY must be set in production (32+ random characters, not the secret key).")
if SECRET_KEY.encode("utf-8") in _audit_keys.keys.values():
    raise ImproperlyConfigured("ASIS_AUDIT_KEY must differ from ASIS_SECRET_KEY.")
# Links in e-mails sent by background workers have no request to take the address from.
SITE_URL = os.environ.get("ASIS_SITE_URL", "").strip()
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("ASIS_SITE_URL must be set in production to the public address, e.g. https://asis.example.org.")
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
