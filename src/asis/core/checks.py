"""System checks for the client-address and rate-limit settings (``asis manage check``)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from asis.core.clientip import invalid_proxy_entries

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security)
def trusted_proxies_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    bad = invalid_proxy_entries(getattr(settings, "ASIS_TRUSTED_PROXIES", ()))
    if not bad:
        return []
    return [Error(f"ASIS_TRUSTED_PROXIES has entries that are not an address or a network: {', '.join(bad)}",
                  hint="Use addresses or CIDR networks, e.g. 127.0.0.1,10.0.0.0/8.", id="asis.E020")]


@register(Tags.caches)
def shared_cache_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Rate limits and lockouts live in the cache: a per-process cache multiplies every limit by
    the number of worker processes, and a dummy cache switches them off."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [Warning(f"The cache ({backend.rsplit('.', 1)[-1]}) is not shared between processes: API rate "
                    "limits, the self-assessment limit and the per-account login limit are counted per "
                    "worker process.",
                    hint="Set ASIS_REDIS_URL so that every worker counts in the same Redis cache.",
                    id="asis.W020")]


def log_startup_warnings(logger: logging.Logger | None = None) -> None:
    """Say at start-up what the checks say: gunicorn does not run system checks itself."""
    logger = logger or logging.getLogger("asis.startup")
    for message in trusted_proxies_check() + shared_cache_check():
        logger.log(message.level, "%s: %s %s", message.id, message.msg, message.hint or "")
