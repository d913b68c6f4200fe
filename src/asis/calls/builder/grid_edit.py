"""Editing a call's criteria grid: criteria, level anchors, weights that total 100 %, AHP weighting.

The grid stays in the engine's format (``asis.engines.grids``): labels, descriptions and anchors
map every language to a text. The manager writes in the call's original language; a text changed
there replaces the other languages' versions too, which no longer said the same thing, until
someone translates it again in the translations section (a text equal to the original's counts as
not translated).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from asis.engines import weights as weights_engine
from asis.engines.errors import InvalidInputError
from asis.engines.grids import LANGUAGES

#: The weights of a grid are percentages; their total may differ from 100 by rounding only.
WEIGHT_TOTAL = 100.0
WEIGHT_TOLERANCE = 0.01
#: Saaty's fundamental scale (1, 3, 5, 7, 9 and the values between).
SAATY_VALUES = (1, 2, 3, 4, 5, 6, 7, 8, 9)
NEW_GROUP = "custom"


def copy_grid(grid: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(grid))
    return result


def _set_text(texts: Mapping[str, str] | None, language: str, text: str) -> dict[str, str]:
    """``texts`` with ``text`` in ``language``; every language gets ``text`` when it changed."""
    current = dict(texts or {})
    if current.get(language, "") == text and all(current.get(code) for code in LANGUAGES):
        return current
    return dict.fromkeys(LANGUAGES, text)


def set_translation(texts: Mapping[str, str], language: str, text: str, original: str) -> dict[str, str]:
    """``texts`` with a translation into ``language``; empty means "not translated" (the original)."""
    current = dict(texts)
    current[language] = text.strip() or current.get(original, "")
    return current


def is_translated(texts: Mapping[str, str], language: str, original: str) -> bool:
    return language == original or (bool(texts.get(language)) and texts.get(language) != texts.get(original))


def percent_weights(grid: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``grid`` whose weights are percentages totalling exactly 100 (two decimals; the
    rounding remainder goes to the heaviest criterion). Grids whose weights are all zero are
    returned unchanged."""
    data = copy_grid(grid)
    criteria = data.get("criteria") or []
    total = sum(float(c.get("weight") or 0) for c in criteria)
    if total <= 0:
        return data
    for criterion in criteria:
        criterion["weight"] = round(100 * float(criterion.get("weight") or 0) / total, 2)
    remainder = round(WEIGHT_TOTAL - sum(c["weight"] for c in criteria), 2)
    if remainder:
        heaviest = max(criteria, key=lambda c: c["weight"])
        heaviest["weight"] = round(heaviest["weight"] + remainder, 2)
    return data


def weights_total(weights: Sequence[float]) -> float:
    return round(sum(weights), 2)


def weights_total_error(weights: Sequence[float]) -> str | None:
    """The message when the weights do not total 100 %, or None."""
    total = weights_total(weights)
    if abs(total - WEIGHT_TOTAL) > WEIGHT_TOLERANCE:
        return _("The weights add up to %(total)s %%; they must add up to 100 %%.") % {
            "total": floatformat(total, -2)}
    return None


def grid_with_criteria(grid: Mapping[str, Any], *, rows: Sequence[Mapping[str, Any]], language: str
                       ) -> dict[str, Any]:
    """A copy of ``grid`` with the criteria ``rows`` (id, label, description, scale), in that order.

    Rows with a known id keep their weight, threshold and group; new rows start at weight 0 (the
    manager weighs them next) and no threshold. Criteria missing from ``rows`` are removed.
    """
    data = copy_grid(grid)
    scales = {s.get("id"): s for s in data.get("scales") or []}
    existing = {c.get("id"): c for c in data.get("criteria") or []}
    criteria: list[dict[str, Any]] = []
    for row in rows:
        if row["scale"] not in scales:
            raise ValidationError({"scale": _("Choose one of the grid's scales.")})
        old = existing.get(row["id"])
        criterion = dict(old) if old else {"id": row["id"], "label": {}, "description": {}, "weight": 0.0,
                                            "threshold": None, "group": NEW_GROUP}
        criterion["label"] = _set_text(criterion.get("label"), language, row["label"])
        criterion["description"] = _set_text(criterion.get("description"), language, row["description"])
        if criterion.get("scale") != row["scale"]:
            criterion["threshold"] = None  # a threshold on another scale means something else
        criterion["scale"] = row["scale"]
        criteria.append(criterion)
    if not criteria:
        raise ValidationError(_("A call needs at least one criterion."))
    data["criteria"] = criteria
    return data


def grid_with_anchors(grid: Mapping[str, Any], *, scale_id: str, anchors: Mapping[int, str], language: str
                      ) -> dict[str, Any]:
    """A copy of ``grid`` with the texts of the levels of scale ``scale_id`` in ``language``."""
    data = copy_grid(grid)
    scale = next((s for s in data.get("scales") or [] if s.get("id") == scale_id), None)
    if scale is None:
        raise ValidationError(_("Unknown scale."))
    levels = range(int(scale["min"]), int(scale["max"]) + 1)
    if set(anchors) != set(levels) or any(not str(anchors[level]).strip() for level in levels):
        raise ValidationError(_("Describe every level of the scale."))
    scale["anchors"] = {str(level): _set_text(scale.get("anchors", {}).get(str(level)), language,
                                              str(anchors[level]).strip()) for level in levels}
    return data


# --- AHP ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AHPOutcome:
    """Weights (percent, in the order of the criteria) and the consistency of the comparisons."""

    weights: tuple[float, ...]
    consistency_ratio: float
    consistent: bool
    worst_pair: tuple[int, int] | None


def pairwise_matrix(n: int, judgments: Mapping[tuple[int, int], float]) -> list[list[float]]:
    """The reciprocal matrix from the upper-triangle judgments ``a_ij`` (i < j)."""
    matrix = [[1.0] * n for _i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            value = float(judgments[(i, j)])
            matrix[i][j] = value
            matrix[j][i] = 1.0 / value
    return matrix


def ahp_weights(n: int, judgments: Mapping[tuple[int, int], float]) -> AHPOutcome:
    """Saaty's eigenvector weights as percentages totalling 100 and the consistency ratio
    (``asis.engines.weights.ahp``); consistent when CR <= 0.10."""
    try:
        result = weights_engine.ahp(pairwise_matrix(n, judgments))
    except InvalidInputError as exc:
        raise ValidationError(_("The comparisons are not valid: %(detail)s") % {"detail": str(exc)}) from exc
    grid = percent_weights({"criteria": [{"weight": float(w)} for w in result.weights]})
    return AHPOutcome(weights=tuple(c["weight"] for c in grid["criteria"]),
                      consistency_ratio=float(result.consistency_ratio),
                      consistent=result.consistency_ratio <= weights_engine.CONSISTENCY_THRESHOLD,
                      worst_pair=result.worst_judgment)


def grid_with_translations(grid: Mapping[str, Any], *, language: str, original: str,
                           values: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    """A copy of ``grid`` with criterion names and descriptions in ``language`` (criterion id ->
    (name, description)); an empty text means "not translated" and shows the original."""
    data = copy_grid(grid)
    for criterion in data.get("criteria") or []:
        if criterion.get("id") not in values:
            continue
        label, description = values[criterion["id"]]
        criterion["label"] = set_translation(criterion.get("label") or {}, language, label, original)
        criterion["description"] = set_translation(criterion.get("description") or {}, language, description,
                                                   original)
    return data
