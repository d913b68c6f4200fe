"""Test settings: the suite runs on PostgreSQL (ASIS_TEST_DB=postgres) and on SQLite."""

import os

from asis.settings.base import *  # noqa: F403
from asis.settings.base import DATABASES, VAR_DIR, database_from_url

SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("ASIS_TEST_DB") == "postgres":
    DATABASES = {
        "default": database_from_url(
            os.environ.get("ASIS_TEST_POSTGRES_URL", "postgres://asis:asis@127.0.0.1:5432/asis")
        )
    }
else:
    DATABASES = {"default": database_from_url(f"sqlite:///{VAR_DIR / 'test.sqlite3'}")}
    # A file (not :memory:) so that worker subprocesses in tests see the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A query that runs away fails the test after a minute instead of stalling the whole run.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=60000"
AXES_FAILURE_LIMIT = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ASIS_AUDIT_ANCHOR_DIR = VAR_DIR / "test-audit-anchors"  # worker subprocesses; tests use a tmp folder each
ASIS_FACET_INDEX_CHECK_SECONDS = 0.0  # tests change data directly: always check the catalogue version
ASIS_FACET_INDEX_BACKGROUND = False  # ... and bring the index up to date before answering
ASIS_API_RATE_ANONYMOUS = ""  # the API's rate limits are switched on by the tests that check them
ASIS_API_RATE_AUTHENTICATED = ""
