"""Embedded defaults for a single machine: SQLite, console email, debug off unless asked."""

from asis.settings.base import *  # noqa: F403
