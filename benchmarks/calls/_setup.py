"""Django for the calls benchmarks: the database ``ASIS_BENCH_DB`` names, else a SQLite file in var/."""

from __future__ import annotations

import os
from pathlib import Path


def setup_django(sqlite_name: str) -> None:
    root = Path(__file__).resolve().parents[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    os.environ["ASIS_DATABASE_URL"] = os.environ.get("ASIS_BENCH_DB") or f"sqlite:///{root / 'var' / sqlite_name}"
    (root / "var").mkdir(exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # e-mails stay in memory
    call_command("migrate", verbosity=0)
