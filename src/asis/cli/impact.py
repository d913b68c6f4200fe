"""``asis impact``: impact commands. Each action lives in its own module ``asis.cli.impact_<action>``
exposing ``register(subparsers)``; the list below is the only place to add one."""

from __future__ import annotations

import importlib
from typing import Any

IMPACT_MODULES = ("asis.cli.impact_sroi",)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("impact", help="impact: social return on investment and other analyses")
    sub = p.add_subparsers(dest="impact_command", metavar="ACTION")
    sub.required = True
    for name in IMPACT_MODULES:
        importlib.import_module(name).register(sub)
