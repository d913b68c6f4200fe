"""``asis impact ...``: the impact commands. Each area adds its subcommands in its own module
``asis.cli.impact_<area>`` (listed in ``AREA_MODULES``) with ``register(subparsers)``."""

from __future__ import annotations

import importlib
from typing import Any

AREA_MODULES = ("asis.cli.impact_regions", "asis.cli.impact_reports", "asis.cli.impact_counterfactual",
                "asis.cli.impact_sroi")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("impact", help="impact: reminders, region statistics, SROI, counterfactual tests")
    commands = parser.add_subparsers(dest="impact_command", metavar="COMMAND")
    commands.required = True
    for name in AREA_MODULES:
        importlib.import_module(name).register(commands)
