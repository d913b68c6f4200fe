"""Errors of the simulation engine: a stable ``code`` plus the ``params`` a caller needs to say it.

The app translates ``code`` (``"simulation.negative_budget"``) with ``params`` into the reader's
language; ``str(error)`` is an English line for logs and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping

from asis.engines.errors import EngineError


class SimulationError(EngineError):
    """A request the simulation engine refuses; ``code`` names the case, ``params`` its facts."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        self.message = message
        super().__init__(f"{code}: {message}")


class InvalidParameterError(SimulationError):
    """A parameter or lever lies outside its domain (``params['field']`` names it)."""


class RunTooLargeError(SimulationError):
    """The run asks for more agent-months than the configured limit allows."""


def check_range(field: str, value: float, low: float, high: float) -> None:
    """Refuse ``value`` outside ``[low, high]`` (NaN included) with code ``simulation.out_of_range``."""
    if not (low <= value <= high):
        raise InvalidParameterError(
            "simulation.out_of_range",
            f"{field} must lie in [{low}, {high}], got {value}",
            {"field": field, "value": value, "low": low, "high": high},
        )


def check_probability(field: str, value: float) -> None:
    """Refuse a probability outside [0, 1] with code ``simulation.invalid_probability``."""
    if not (0.0 <= value <= 1.0):
        raise InvalidParameterError(
            "simulation.invalid_probability",
            f"{field} is a probability and must lie in [0, 1], got {value}",
            {"field": field, "value": value},
        )
