"""The one error the counterfactual engines raise: a code and its facts, for the app to word."""

from __future__ import annotations

from collections.abc import Mapping

from asis.engines.errors import EngineError


class CounterfactualError(EngineError):
    """A panel or a study the methods cannot estimate.

    ``code`` names the case (``"too_few_units"``, ``"no_pre_period"``...) and ``params`` its facts
    (unit labels, periods, counts) so that the app says it in the reader's language; the English
    ``message`` is for logs and the command line.
    """

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.message = message
        self.params: Mapping[str, object] = dict(params)
        super().__init__(f"{code}: {message}")
