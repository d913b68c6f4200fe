"""Server-side SVG charts: geometry only (frozen dataclasses), drawn by the templates
``core/_bar_chart.html`` and ``core/_column_chart.html``.

No script and no ``style`` attribute: the charts render under the strict CSP, print, and read
the same to screen readers (``role="img"`` with a title and a description, and a data table
next to each chart).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    show_label: bool = True


@dataclass(frozen=True)
class Tick:
    value: int
    position: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    max_value: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def is_empty(self) -> bool:
        return not self.bars


def nice_max(value: int) -> int:
    """Smallest of 1, 2, 5 x 10^k at or above ``value`` (at least 1), for round axis ticks."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - unreachable


def bar_chart(items: Sequence[tuple[str, int]], *, width: int = 640, label_width: int = 260,
              bar_height: int = 22, gap: int = 8) -> Chart:
    """Horizontal bars, one per (label, value), in the given order; labels on the left."""
    top = 8
    plot = width - label_width - 48
    top_value = nice_max(max((v for _l, v in items), default=0))
    bars = []
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        length = plot * value / top_value
        bars.append(Bar(label=label, value=value, x=label_width, y=y, width=round(length, 1),
                        height=bar_height, label_x=label_width - 8, label_y=y + bar_height * 0.7,
                        value_x=round(label_width + length + 6, 1), value_y=y + bar_height * 0.7))
    height = top + len(items) * (bar_height + gap) + 24
    ticks = tuple(Tick(v, round(label_width + plot * v / top_value, 1)) for v in _ticks(top_value))
    return Chart(width, height, tuple(bars), ticks, height - 20, top_value)


def column_chart(items: Sequence[tuple[str, int]], *, width: int = 640, height: int = 240) -> Chart:
    """Vertical columns, one per (label, value), left to right (a trend over years)."""
    left, right, top, bottom = 40, 8, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max((v for _l, v in items), default=0))
    n = max(len(items), 1)
    slot = plot_w / n
    bar_w = max(min(slot * 0.7, 48), 2)
    every = label_every(len(items))
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot_h * value / top_value
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        bars.append(Bar(label=label, value=value, x=round(x, 1), y=round(y, 1), width=round(bar_w, 1),
                        height=round(h, 1), label_x=round(x + bar_w / 2, 1), label_y=height - 10,
                        value_x=round(x + bar_w / 2, 1), value_y=round(y - 3, 1),
                        show_label=i % every == 0 or i == len(items) - 1))
    ticks = tuple(Tick(v, round(top + plot_h - plot_h * v / top_value, 1)) for v in _ticks(top_value))
    return Chart(width, height, tuple(bars), ticks, top + plot_h, top_value)


def label_every(count: int, room: int = 16) -> int:
    """Show every n-th column label so that at most ``room`` labels are drawn."""
    return max(1, math.ceil(count / room))


def _ticks(top_value: int) -> list[int]:
    step = max(1, top_value // 5) if top_value >= 5 else 1
    return list(range(0, top_value + 1, step))
