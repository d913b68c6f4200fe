"""Placeholder of the region-profile contract; helper "evidence" provides the real module.

``profile_figures(paragraph) -> dict``: the figures of a generated region profile (JSON-ready).
"""

from __future__ import annotations

from typing import Any


def profile_figures(paragraph: Any) -> dict[str, Any]:
    return {}
