"""Start Django for CLI commands that need it (``asis assess`` does not)."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.dev")
    import django
    from django.conf import settings

    django.setup()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
