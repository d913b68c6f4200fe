"""Adjacency of the 42 Alpine Space NUTS-2 regions, computed from the shapes the project ships.

Two regions are neighbours when their boundaries share an edge: at least
``min_shared_points`` (default 2) distinct vertex locations of either region lie within
``tolerance_km`` of the other's boundary (point-to-segment distance on an equirectangular
projection centred at 46 degrees N, the middle of the Alpine Space). Two locations, not one, so
that regions touching in a single point are not neighbours.

The shipped GISCO 1:20M file is topologically clean: neighbouring polygons share their vertices
exactly, and the 101 neighbour pairs found are the same for every tolerance from 0 to 2 km
(5 km adds a spurious pair); the default 0.5 km is inside that stable range. The two pairs that
touch in a single point are contacts across Lake Constance (AT34-DE14 and CH05-DE27), which have
no land border; ``min_shared_points=1`` adds them (103 pairs).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from asis.engines.simulation.errors import InvalidParameterError

# The file lives with the regions app (src/asis/regions/data); the engine reads it as plain JSON
# and imports nothing from that (Django) app.
SHIPPED_GEOJSON = (
    Path(__file__).resolve().parents[2] / "regions" / "data" / "alpine_nuts2_2021.geojson"
)
KM_PER_DEGREE = 111.2
REFERENCE_LATITUDE = 46.0


@dataclass(frozen=True)
class Adjacency:
    """Symmetric 0/1 neighbour matrix over ``codes`` (row/column order), no self-loops."""

    codes: tuple[str, ...]
    matrix: tuple[tuple[int, ...], ...]

    def as_array(self) -> NDArray[np.float64]:
        return np.asarray(self.matrix, dtype=np.float64)

    def neighbours(self, code: str) -> tuple[str, ...]:
        row = self.matrix[self.codes.index(code)]
        return tuple(c for c, flag in zip(self.codes, row, strict=True) if flag)

    def pairs(self) -> int:
        return sum(map(sum, self.matrix)) // 2


def _rings(geometry: Mapping[str, Any]) -> list[NDArray[np.float64]]:
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords) if coords else []
    else:
        raise InvalidParameterError(
            "simulation.bad_geometry", f"geometry type {kind!r} is not a polygon", {"type": str(kind)}
        )
    return [np.asarray(ring, dtype=np.float64)[:, :2] for polygon in polygons for ring in polygon]


def adjacency_from_features(
    features: Iterable[Mapping[str, Any]], *, tolerance_km: float = 0.5, code_key: str = "id",
    min_shared_points: int = 2,
) -> Adjacency:
    """Neighbour matrix of GeoJSON polygon ``features`` (codes from ``properties[code_key]``)."""
    if not tolerance_km >= 0:
        raise InvalidParameterError(
            "simulation.out_of_range", "tolerance_km must be >= 0", {"field": "tolerance_km"}
        )
    codes: list[str] = []
    points: list[NDArray[np.float64]] = []
    starts: list[NDArray[np.float64]] = []
    ends: list[NDArray[np.float64]] = []
    point_owner: list[int] = []
    segment_owner: list[int] = []
    for index, feature in enumerate(features):
        codes.append(str(feature["properties"][code_key]))
        for ring in _rings(feature["geometry"]):
            points.append(ring)
            starts.append(ring[:-1])
            ends.append(ring[1:])
            point_owner.extend([index] * len(ring))
            segment_owner.extend([index] * (len(ring) - 1))
    n = len(codes)
    if n == 0:
        return Adjacency(codes=(), matrix=())
    scale = np.array([np.cos(np.radians(REFERENCE_LATITUDE)), 1.0]) * KM_PER_DEGREE
    p = np.vstack(points) * scale
    a = np.vstack(starts) * scale
    d = np.vstack(ends) * scale - a
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    owner_p = np.asarray(point_owner)
    owner_s = np.asarray(segment_owner)
    counts = np.zeros((n, n), dtype=np.int64)
    hits: list[NDArray[np.float64]] = []
    # Blocks of points keep the (points x segments) distance matrix small in memory.
    for lo in range(0, len(p), 512):
        block = p[lo : lo + 512]
        rel = block[:, None, :] - a[None, :, :]
        t = np.clip((rel * d[None]).sum(axis=2) / length2[None], 0.0, 1.0)
        dist = np.linalg.norm(rel - t[..., None] * d[None], axis=2)
        ii, jj = np.nonzero(dist <= tolerance_km)
        keep = owner_p[lo + ii] != owner_s[jj]
        hits.append(np.column_stack([owner_p[lo + ii[keep]], owner_s[jj[keep]],
                                     np.round(p[lo + ii[keep]], 6)]))
    # One location counts once per pair of regions, however many segments or repeated ring
    # vertices (a ring's closing point) it touches.
    if hits:
        found = np.vstack(hits)
        pair = np.sort(found[:, :2], axis=1)  # unordered pair: both sides' sightings merge
        found = np.unique(np.column_stack([pair, found[:, 2:]]), axis=0)
        np.add.at(counts, (found[:, 0].astype(np.int64), found[:, 1].astype(np.int64)), 1)
    shared = counts + counts.T  # counts is upper-triangular: distinct shared locations per pair
    matrix = shared >= min_shared_points
    np.fill_diagonal(matrix, False)
    return Adjacency(codes=tuple(codes), matrix=tuple(tuple(int(v) for v in row) for row in matrix))


def load_shipped_features(path: Path = SHIPPED_GEOJSON) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return list(json.load(fh)["features"])


@lru_cache(maxsize=4)
def shipped_adjacency(*, tolerance_km: float = 0.5, min_shared_points: int = 2) -> Adjacency:
    """Adjacency of the 42 shipped Alpine Space regions (sorted as in the file); computed once per
    process (reading the shapes takes longer than a mean-field preview)."""
    return adjacency_from_features(
        load_shipped_features(), tolerance_km=tolerance_km, min_shared_points=min_shared_points
    )


def reorder(adjacency: Adjacency, codes: Sequence[str]) -> Adjacency:
    """The same adjacency with rows/columns in the order of ``codes`` (a subset is allowed)."""
    missing = [c for c in codes if c not in adjacency.codes]
    if missing:
        raise InvalidParameterError(
            "simulation.unknown_region", f"unknown region codes {missing}", {"codes": missing}
        )
    index = [adjacency.codes.index(c) for c in codes]
    full = np.asarray(adjacency.matrix, dtype=np.int64)[np.ix_(index, index)]
    return Adjacency(codes=tuple(codes), matrix=tuple(tuple(int(v) for v in row) for row in full))
