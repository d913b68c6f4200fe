"""Control characters in user input: which ones, how to find them, how to drop them.

C0 controls other than tab, line feed and carriage return, DEL and the C1 controls (U+0080 to
U+009F, U+0085 NEL included) carry no meaning in any text the platform keeps; PostgreSQL refuses
NUL in text outright, and the others end up invisible in pages, spreadsheets and logs. The
request middleware (``asis.core.input_middleware``), the import rows and the link validator all
use these definitions, so "a control character" means the same everywhere.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    return CONTROL.search(text) is not None


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)


def control_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where in decoded JSON (dicts, lists, strings) a string or a key holds a control character."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, str):
        if has_controls(value):
            found.append(path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and has_controls(key):
                found.append((*path, strip_controls(key)))
            else:
                found.extend(control_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(control_paths(item, (*path, index)))
    return found
