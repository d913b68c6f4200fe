"""Chart geometry of the impact dashboards, drawn by ``impact/dashboards/_pair_chart.html`` (SVG, no
script, no style attribute, a data table beside it) - the same conventions as
:mod:`asis.core.charts`, whose bar charts the breakdowns reuse. Values here are decimals (rates,
EUR), so the axis is rounded with :func:`asis.core.charts.nice_max` on a scaled value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from asis.core.charts import Chart, bar_chart, nice_max


@dataclass(frozen=True)
class PairColumn:
    label: str
    actual: float | None
    target: float | None
    x: float
    width: float
    actual_y: float
    actual_height: float
    target_y: float | None
    label_x: float

    @property
    def right(self) -> float:
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class AxisTick:
    value: float
    position: float


@dataclass(frozen=True)
class PairChart:
    width: int
    height: int
    columns: tuple[PairColumn, ...]
    ticks: tuple[AxisTick, ...]
    axis_y: float

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def is_empty(self) -> bool:
        return all(c.actual is None and c.target is None for c in self.columns)


def axis_top(value: float) -> float:
    """A round top for the axis at or above ``value`` (1, 2, 5 x 10^k, also below 1)."""
    if value <= 0:
        return 1.0
    scale = 10 ** math.floor(math.log10(value))
    return nice_max(math.ceil(value / scale * 10)) * scale / 10


def actual_vs_target(items: Sequence[tuple[str, float | None, float | None]], *, width: int = 640,
                     height: int = 240) -> PairChart:
    """One column per period (the actual value) with the period's target as a line across it."""
    left, right, top, bottom = 56, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = axis_top(max((max(a or 0.0, t or 0.0) for _l, a, t in items), default=0.0))
    slot = plot_w / max(len(items), 1)
    bar_w = max(min(slot * 0.6, 48), 2)
    columns = []
    for i, (label, actual, target) in enumerate(items):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * max(actual or 0.0, 0.0) / top_value
        target_y = None if target is None else round(top + plot_h - plot_h * max(target, 0.0) / top_value, 1)
        columns.append(PairColumn(label, actual, target, round(x, 1), round(bar_w, 1), round(top + plot_h - h, 1),
                                  round(h, 1), target_y, round(x + bar_w / 2, 1)))
    ticks = tuple(AxisTick(top_value * k / 4, round(top + plot_h - plot_h * k / 4, 1)) for k in range(5))
    return PairChart(width, height, tuple(columns), ticks, top + plot_h)


def breakdown_chart(items: Sequence[tuple[str, float | None]], limit: int = 12) -> Chart:
    """Horizontal bars of a breakdown (rounded to whole numbers), the largest first."""
    ranked = sorted(((label, int(round(value))) for label, value in items if value is not None),
                    key=lambda item: -item[1])[:limit]
    return bar_chart(ranked, label_width=200)
