"""Versioned criteria grids: criteria, scales, weights, knock-out thresholds.

A grid is plain data: it round-trips through :meth:`Grid.to_dict` and
:meth:`Grid.from_dict` (and JSON), and every validation error names the field
at fault (``criteria[2].weight``). Texts are per-language mappings for the
five ASIS languages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from asis.engines.errors import InvalidInputError

LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "it", "sl")
SCALE_KINDS: tuple[str, ...] = ("ordinal", "pass_fail")


def _texts(value: Any, field: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(field, "must map language codes to texts")
    missing = [lang for lang in LANGUAGES if not str(value.get(lang, "")).strip()]
    if missing:
        raise InvalidInputError(field, f"missing text for {', '.join(missing)}")
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise InvalidInputError(field, f"unknown language {', '.join(unknown)}")
    return {lang: str(value[lang]) for lang in LANGUAGES}


def _require(data: Mapping[str, Any], key: str, field: str) -> Any:
    if key not in data:
        raise InvalidInputError(f"{field}.{key}" if field else key, "is required")
    return data[key]


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, "must be a number")
    return float(value)


@dataclass(frozen=True)
class Scale:
    """A scoring scale: integer levels ``minimum..maximum`` with an anchor text each.

    ``pass_fail`` scales have levels 0 (fail) and 1 (pass).
    """

    id: str
    kind: str
    minimum: int
    maximum: int
    anchors: Mapping[int, Mapping[str, str]]

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(range(self.minimum, self.maximum + 1))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "min": self.minimum,
            "max": self.maximum,
            "anchors": {str(k): dict(v) for k, v in self.anchors.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], field: str = "scale") -> Scale:
        scale_id = str(_require(data, "id", field))
        kind = _require(data, "kind", field)
        if kind not in SCALE_KINDS:
            raise InvalidInputError(f"{field}.kind", f"must be one of {', '.join(SCALE_KINDS)}")
        lo = _number(_require(data, "min", field), f"{field}.min")
        hi = _number(_require(data, "max", field), f"{field}.max")
        if lo != int(lo) or hi != int(hi) or hi <= lo:
            raise InvalidInputError(f"{field}.max", "min and max must be integers with min < max")
        if kind == "pass_fail" and (lo, hi) != (0, 1):
            raise InvalidInputError(f"{field}.max", "a pass_fail scale runs from 0 to 1")
        raw = _require(data, "anchors", field)
        if not isinstance(raw, Mapping):
            raise InvalidInputError(f"{field}.anchors", "must map levels to texts")
        anchors: dict[int, dict[str, str]] = {}
        for level in range(int(lo), int(hi) + 1):
            if str(level) not in raw:
                raise InvalidInputError(f"{field}.anchors.{level}", "is required for every level")
            anchors[level] = _texts(raw[str(level)], f"{field}.anchors.{level}")
        extra = sorted(set(raw) - {str(level) for level in anchors})
        if extra:
            raise InvalidInputError(
                f"{field}.anchors", f"levels outside the scale: {', '.join(extra)}"
            )
        return cls(scale_id, str(kind), int(lo), int(hi), anchors)


@dataclass(frozen=True)
class Criterion:
    """One criterion: texts, scale, weight, optional knock-out threshold, group.

    An aggregated score below ``threshold`` makes the application ineligible.
    """

    id: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    scale: str
    weight: float
    group: str
    threshold: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": dict(self.label),
            "description": dict(self.description),
            "scale": self.scale,
            "weight": self.weight,
            "threshold": self.threshold,
            "group": self.group,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], field: str) -> Criterion:
        crit_id = _require(data, "id", field)
        if not isinstance(crit_id, str) or not crit_id.strip():
            raise InvalidInputError(f"{field}.id", "must be a non-empty string")
        weight = _number(_require(data, "weight", field), f"{field}.weight")
        if weight < 0:
            raise InvalidInputError(f"{field}.weight", "must not be negative")
        threshold = data.get("threshold")
        return cls(
            id=crit_id,
            label=_texts(_require(data, "label", field), f"{field}.label"),
            description=_texts(_require(data, "description", field), f"{field}.description"),
            scale=str(_require(data, "scale", field)),
            weight=weight,
            group=str(_require(data, "group", field)),
            threshold=None if threshold is None else _number(threshold, f"{field}.threshold"),
        )


@dataclass(frozen=True)
class Grid:
    """A named, versioned list of criteria with the scales they use."""

    id: str
    version: str
    name: Mapping[str, str]
    scales: tuple[Scale, ...]
    criteria: tuple[Criterion, ...]

    def scale_of(self, criterion: Criterion) -> Scale:
        return next(s for s in self.scales if s.id == criterion.scale)

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def weights(self) -> tuple[float, ...]:
        """Weights normalised to sum 1 (criteria of weight 0 only act as knock-outs)."""
        total = sum(c.weight for c in self.criteria)
        return tuple(c.weight / total for c in self.criteria)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "name": dict(self.name),
            "scales": [s.to_dict() for s in self.scales],
            "criteria": [c.to_dict() for c in self.criteria],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Grid:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInputError("grid", f"is not valid JSON ({exc})") from exc
        if not isinstance(data, Mapping):
            raise InvalidInputError("grid", "must be a JSON object")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Grid:
        raw_scales = _require(data, "scales", "")
        if not isinstance(raw_scales, list) or not raw_scales:
            raise InvalidInputError("scales", "must be a non-empty list")
        scales = tuple(Scale.from_dict(s, f"scales[{k}]") for k, s in enumerate(raw_scales))
        scale_ids = [s.id for s in scales]
        if len(set(scale_ids)) != len(scale_ids):
            raise InvalidInputError("scales", "duplicate scale id")
        raw_criteria = _require(data, "criteria", "")
        if not isinstance(raw_criteria, list) or not raw_criteria:
            raise InvalidInputError("criteria", "must be a non-empty list")
        criteria = tuple(
            Criterion.from_dict(c, f"criteria[{k}]") for k, c in enumerate(raw_criteria)
        )
        seen: set[str] = set()
        for k, crit in enumerate(criteria):
            if crit.id in seen:
                raise InvalidInputError(f"criteria[{k}].id", f"duplicate criterion id {crit.id!r}")
            seen.add(crit.id)
            if crit.scale not in scale_ids:
                raise InvalidInputError(f"criteria[{k}].scale", f"unknown scale {crit.scale!r}")
            scale = scales[scale_ids.index(crit.scale)]
            if crit.threshold is not None and not scale.minimum <= crit.threshold <= scale.maximum:
                raise InvalidInputError(f"criteria[{k}].threshold", "must lie on the scale")
        if sum(c.weight for c in criteria) <= 0:
            raise InvalidInputError("criteria.weight", "weights must not all be zero")
        return cls(
            id=str(_require(data, "id", "")),
            version=str(_require(data, "version", "")),
            name=_texts(_require(data, "name", ""), "name"),
            scales=scales,
            criteria=criteria,
        )


def builtin_names() -> tuple[str, ...]:
    """Names of the grids shipped with the engines (``asis``, ``asis-core``)."""
    folder = resources.files("asis.engines").joinpath("data")
    return tuple(
        sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))
    )


def load_builtin(name: str) -> Grid:
    """Load a shipped grid by name; unknown names raise :class:`InvalidInputError`."""
    if name not in builtin_names():
        raise InvalidInputError(
            "grid", f"unknown grid {name!r}; known: {', '.join(builtin_names())}"
        )
    text = resources.files("asis.engines").joinpath("data", f"{name}.json").read_text("utf-8")
    return Grid.from_json(text)
