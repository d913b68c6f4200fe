"""The ``asis`` command line.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``; the module list below is the only place to add one.
Commands that need Django call :func:`asis.cli._django.setup` themselves, so
``asis assess`` (pure engines) starts without a database.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

SUBCOMMAND_MODULES = (
    "asis.cli.platform",
    "asis.cli.assess",
    "asis.cli.observatory",
    "asis.cli.calls",
    "asis.cli.impact",
    "asis.cli.simulate",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asis", description="ASIS - Social Innovation Strategy platform for the Alpine Space"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
