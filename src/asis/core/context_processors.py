from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from asis.core.sections import SECTIONS


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"asis_sections": SECTIONS}
