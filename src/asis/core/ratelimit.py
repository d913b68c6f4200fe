"""A fixed-window counter in the cache: count one event under ``key`` and say whether the count
passed ``limit`` within ``window`` seconds (the pattern of the self-assessment and login limits)."""

from __future__ import annotations

from django.core.cache import cache


def limit_exceeded(key: str, *, limit: int, window: int = 3600) -> bool:
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
