"""What the map draws besides the regions: colour classes, country borders and label positions.

Everything comes from the shipped NUTS-2 shapes, so the map is readable with no tile server.

- **Classes.** Counts are put into at most five classes whose upper bounds are quantiles of the
  regions with at least one initiative (so a single busy region does not push every other one
  into the palest class), coloured from the ColorBrewer ``YlGnBu`` sequential scheme (safe for
  the common colour-vision deficiencies and in greyscale); regions without an initiative get a
  neutral grey outside the scale.
- **Borders.** The shapes share their vertices (they come from one topology), so a segment that
  two regions of *different* countries share is an international border, and a segment that
  only one region has is the outer edge of the programme area. Both are drawn over the thin
  region outlines.
- **Labels.** A region's name sits at the centroid of its largest polygon; a country's name at
  the area-weighted centre of its regions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Point = tuple[float, float]

# ColorBrewer YlGnBu (6-class scheme without its palest step) for classes 1-5; index 0: no initiative.
PALETTE = ("#f2f2f2", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494")
# Which palette entries a scale of n classes uses: spread over the ramp, always ending darkest.
PALETTE_STEPS = {1: (3,), 2: (2, 5), 3: (1, 3, 5), 4: (1, 2, 4, 5), 5: (1, 2, 3, 4, 5)}
MAX_CLASSES = 5
MIN_LABEL_AREA = 0.05  # square degrees


@dataclass(frozen=True)
class ColourClass:
    low: int
    high: int
    colour: int  # index into PALETTE

    @property
    def fill(self) -> str:
        return PALETTE[self.colour]


def class_breaks(counts: Iterable[int], classes: int = MAX_CLASSES) -> list[ColourClass]:
    """Consecutive ranges ``low..high`` covering ``1..max(counts)``, at most ``classes`` of them."""
    positive = sorted(c for c in counts if c > 0)
    if not positive:
        return []
    top = positive[-1]
    if top <= classes:
        uppers = list(range(1, top + 1))
    else:
        n = len(positive)
        uppers = sorted({positive[max(0, math.ceil(k * n / classes) - 1)] for k in range(1, classes)} | {top})
    ranges: list[tuple[int, int]] = []
    low = 1
    for high in uppers:
        if high >= low:
            ranges.append((low, high))
            low = high + 1
    steps = PALETTE_STEPS[len(ranges)]
    return [ColourClass(lo, hi, steps[i]) for i, (lo, hi) in enumerate(ranges)]


def colour_of(count: int, classes: Sequence[ColourClass]) -> int:
    """The palette index for ``count`` (0 for none)."""
    for cls in classes:
        if cls.low <= count <= cls.high:
            return cls.colour
    return 0


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _ring_area_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, Point]:
    """Signed-area formula (shoelace); the area's sign is dropped."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def label_point(geometry: dict[str, Any]) -> tuple[float, Point]:
    """(area, centroid) of the largest outer ring of ``geometry``; (lon, lat) rounded to 3 decimals."""
    area, (x, y) = max((_ring_area_centroid(polygon[0]) for polygon in _polygons(geometry)), key=lambda a: a[0])
    return area, (round(x, 3), round(y, 3))


def _segments(geometry: dict[str, Any]) -> Iterator[tuple[Point, Point]]:
    for polygon in _polygons(geometry):
        for ring in polygon:
            for a, b in zip(ring, ring[1:], strict=False):
                p, q = (a[0], a[1]), (b[0], b[1])
                if p != q:
                    yield (p, q) if p <= q else (q, p)


def _chains(segments: Iterable[tuple[Point, Point]]) -> list[list[list[float]]]:
    """Segments joined into as few lines as a walk along shared end points gives."""
    neighbours: dict[Point, list[Point]] = defaultdict(list)
    for p, q in segments:
        neighbours[p].append(q)
        neighbours[q].append(p)
    used: set[tuple[Point, Point]] = set()
    lines: list[list[list[float]]] = []
    # Start at the ends of open chains first, then whatever is left (closed loops).
    starts = sorted(neighbours, key=lambda p: (len(neighbours[p]) == 2, p))
    for start in starts:
        for nxt in neighbours[start]:
            key = (start, nxt) if start <= nxt else (nxt, start)
            if key in used:
                continue
            used.add(key)
            line = [list(start), list(nxt)]
            prev, here = start, nxt
            while len(neighbours[here]) == 2:
                step = neighbours[here][0] if neighbours[here][1] == prev else neighbours[here][1]
                key = (here, step) if here <= step else (step, here)
                if key in used:
                    break
                used.add(key)
                line.append(list(step))
                prev, here = here, step
            lines.append(line)
    return lines


def borders(shapes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """International borders and the area's outer edge as a GeoJSON FeatureCollection of lines.

    ``shapes``: dicts with ``country`` and ``geometry`` (as ``selectors.region_shapes``)."""
    owners: dict[tuple[Point, Point], list[str]] = defaultdict(list)
    for shape in shapes:
        for segment in _segments(shape["geometry"]):
            owners[segment].append(shape["country"])
    international = [s for s, who in owners.items() if len(who) > 1 and len(set(who)) > 1]
    outline = [s for s, who in owners.items() if len(who) == 1]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": kind},
         "geometry": {"type": "MultiLineString", "coordinates": _chains(segments)}}
        for kind, segments in (("country", international), ("outline", outline)) if segments
    ]}


def country_points(shapes: Sequence[dict[str, Any]]) -> dict[str, Point]:
    """Where each country's name goes: the area-weighted centre of its regions' label points."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for shape in shapes:
        area, (x, y) = label_point(shape["geometry"])
        acc = sums[shape["country"]]
        acc[0] += area
        acc[1] += x * area
        acc[2] += y * area
    # A country too small to hold its name (Liechtenstein at this scale) is named by its region.
    return {code: (round(sx / a, 3), round(sy / a, 3)) for code, (a, sx, sy) in sums.items()
            if a >= MIN_LABEL_AREA}
