"""Errors of the impact engines: a ``code`` and its ``params``, so the app can say them.

The message is for logs and the CLI; a page translates ``code`` and formats ``params``
(unit codes, values, counts) with the names and the locale of its reader.
"""

from __future__ import annotations

from collections.abc import Mapping

from asis.engines.errors import EngineError


class ImpactError(EngineError):
    """Base class of the impact engines' errors."""

    def __init__(self, code: str, params: Mapping[str, object] | None = None,
                 message: str = "") -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(message or f"{code}: {self.params}")


class UnknownUnitError(ImpactError):
    """A unit code that is not in :data:`asis.engines.impact.units.UNITS`."""

    def __init__(self, unit: str) -> None:
        super().__init__("unknown_unit", {"unit": unit}, f"unknown unit {unit!r}")


class IncompatibleUnitsError(ImpactError):
    """A conversion between units of different dimensions (persons to EUR, hours to days)."""

    def __init__(self, from_code: str, to_code: str) -> None:
        super().__init__(
            "incompatible_units", {"from": from_code, "to": to_code},
            f"cannot convert {from_code!r} to {to_code!r}: different dimensions",
        )


class InvalidSpecError(ImpactError):
    """An indicator specification or an option that the engines cannot work with."""
