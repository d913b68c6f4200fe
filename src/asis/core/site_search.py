"""The site-wide search: a registry of searchable sources that apps fill from ``AppConfig.ready``.

``core`` knows no app: each source is a key, a heading, an order and a function
``(text, user, limit) -> SourceResult``. The function is responsible for permissions (it must only
return what ``user`` may see on the public pages it links to). Courses and events register the
same way when those apps exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str = ""
    meta: str = ""


@dataclass(frozen=True)
class SourceResult:
    count: int
    hits: tuple[Hit, ...] = ()
    more_url: str = ""  # the source's own full search, when it has one


@dataclass(frozen=True)
class Source:
    key: str
    heading: Any  # a lazy translated string
    search: Callable[[str, Any, int], SourceResult]
    order: int = 100


@dataclass(frozen=True)
class Group:
    source: Source
    result: SourceResult = field(default_factory=lambda: SourceResult(0))


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    """Add (or replace, by key) a searchable source."""
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def search_all(text: str, *, user: Any, limit: int = 5) -> list[Group]:
    """Every source's answer for ``text``, in the registry's order."""
    return [Group(source, source.search(text, user, limit)) for source in sources()]
