"""Typed errors raised by the engines.

Every error is a :class:`ValueError`, so callers that only know the standard
library still catch them; callers that know the engines can read the field or
constraint that failed.
"""

from __future__ import annotations

from collections.abc import Mapping


class EngineError(ValueError):
    """Base class of every error the engines raise on purpose."""


class InvalidInputError(EngineError):
    """An input is malformed; ``field`` names it (``"weights"``, ``"criteria[2].id"``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class DisconnectedDesignError(InvalidInputError):
    """The evaluator/application design splits into separate groups.

    Evaluator effects are only comparable inside one connected group of
    evaluators who share applications; ``components`` is the number of groups.
    """

    def __init__(self, components: int) -> None:
        self.components = components
        super().__init__(
            "scores",
            f"the design of who scored what splits into {components} unconnected groups; "
            "evaluator effects cannot be compared across groups",
        )


class InfeasibleError(EngineError):
    """No selection satisfies the constraints; ``constraint`` names the culprit."""

    def __init__(self, constraint: str, message: str, *, reason: str = "",
                 params: Mapping[str, object] | None = None) -> None:
        self.constraint = constraint
        self.message = message
        # ``reason`` names the case and ``params`` its facts (ids and counts), so a caller can say
        # it in the reader's language with the names it knows; ``message`` is for logs and the CLI.
        self.reason = reason or constraint
        self.params = dict(params or {})
        super().__init__(f"infeasible constraint {constraint}: {message}")


class BackendUnavailableError(EngineError):
    """An array backend was requested that is not installed here."""

    def __init__(self, backend: str, message: str) -> None:
        self.backend = backend
        super().__init__(f"backend {backend!r}: {message}")
