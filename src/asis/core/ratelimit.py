"""A fixed-window counter in the cache, shared by the login guard, the self-assessment limit and
the white book's comment limit: count one event under ``key`` within ``window`` seconds."""

from __future__ import annotations

from django.core.cache import cache


def count_event(key: str, *, window: int = 3600) -> int:
    """Count one event under ``key``; the number of events in the current window."""
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def limit_exceeded(key: str, *, limit: int, window: int = 3600) -> bool:
    """Count one event; True once the window holds more than ``limit``."""
    return count_event(key, window=window) > limit
