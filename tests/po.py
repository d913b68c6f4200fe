"""A small reader of gettext .po catalogues for the tests (no third-party parser needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), value)


def entries(po: Path, *, raw: bool = False) -> Iterator[tuple[str, list[str], str]]:
    """(msgid, msgstr list, flags) for every live entry but the header, continuation lines joined.

    Obsolete entries (``#~``) are comments here and so skipped. ``raw`` keeps the C escapes
    (``\\n``, ``\\"``) as they are written in the file."""
    text = po.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if not raw:
            fields = {k: _unescape(v) for k, v in fields.items()}
        if fields.get("msgid"):
            yield fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags
