"""SVG chart geometry for the results pages and reports (no script, no style attribute).

Bar charts reuse the observatory's geometry (``asis.core.charts.bar_chart``) and its
templates, so they look and read the same, with a data table beside each chart. The radar chart
of an application's criterion scores is drawn by ``calls/results/_radar.html``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from asis.core.charts import Chart, bar_chart


def named_distribution(distribution: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The stored distribution with region and challenge names (active language) instead of
    codes, and "no data" for applications without a region or challenge."""
    from asis.observatory.models import Challenge
    from asis.regions.models import Region

    names = {"region": dict(Region.objects.values_list("code", "name")),
             "challenge": {c.code: str(c) for c in Challenge.objects.all()}}
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension, groups in distribution.items():
        lookup = names.get(dimension, {})
        out[dimension] = [{**g, "code": g["group"], "group": (_("no data") if g["group"] in ("", "–") else
                                                               lookup.get(g["group"], g["group"]))}
                          for g in groups]
    return out


def with_cumulative(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows in ranking order with the cumulative requested amount of the ranked ones so far."""
    total = 0.0
    out = []
    for row in rows:
        if row["eligible"]:
            total += float(row["requested"] or 0)
        out.append({**row, "cumulative": total if row["eligible"] else None})
    return out


def amounts_chart(groups: Sequence[Mapping[str, Any]], key: str, limit: int = 15) -> Chart:
    """Horizontal bars of ``key`` (EUR, rounded) per group, the largest first."""
    items = sorted(((str(g["group"]), int(round(float(g[key])))) for g in groups), key=lambda i: -i[1])[:limit]
    return bar_chart(items, label_width=160)


@dataclass(frozen=True)
class RadarAxis:
    label: str
    value: float
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    size: int
    centre: float
    radius: float
    axes: tuple[RadarAxis, ...]
    points: str
    rings: tuple[str, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.size} {self.size}"


def radar(values: Sequence[tuple[str, float, float, float]], *, size: int = 420) -> Radar:
    """One axis per (label, value, minimum, maximum); the polygon joins the normalised values."""
    centre = size / 2
    radius = size / 2 - 90
    n = max(len(values), 1)
    axes = []
    points = []
    for k, (label, value, low, high) in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        share = 0.0 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        px, py = centre + radius * share * math.cos(angle), centre + radius * share * math.sin(angle)
        points.append(f"{px:.1f},{py:.1f}")
        lx, ly = centre + (radius + 14) * math.cos(angle), centre + (radius + 14) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        axes.append(RadarAxis(label, value, round(x, 1), round(y, 1), round(lx, 1), round(ly + 4, 1), anchor))
    rings = tuple(" ".join(f"{centre + radius * f * math.cos(-math.pi / 2 + 2 * math.pi * k / n):.1f},"
                           f"{centre + radius * f * math.sin(-math.pi / 2 + 2 * math.pi * k / n):.1f}"
                           for k in range(n)) for f in (0.25, 0.5, 0.75, 1.0))
    return Radar(size, centre, radius, tuple(axes), " ".join(points), rings)
