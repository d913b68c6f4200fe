"""Geometry of the two counterfactual charts, drawn as inline SVG by the templates (the same rules
as ``asis.core.charts``: no script, no style attribute, ``role="img"`` with a title and a
description, and a data table beside each chart). core.charts draws bars of counts; these need
negative values, intervals and lines, so they get their own small geometry here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 32


@dataclass(frozen=True)
class Tick:
    label: float
    position: float


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    low: float
    high: float
    reference: bool = False
    show_label: bool = True


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    y_ticks: tuple[Tick, ...]
    points: tuple[Point, ...]
    zero_y: float
    marker_x: float | None
    lines: tuple[str, ...] = ()

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def axis_y(self) -> int:
        return self.height - BOTTOM


def _nice_step(span: float) -> float:
    raw = span / 5 if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= raw:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - unreachable


def _scale(values: Sequence[float]) -> tuple[float, float, list[float]]:
    low, high = min(values), max(values)
    if high - low < 1e-12:
        low, high = low - 1, high + 1
    step = _nice_step(high - low)
    start = math.floor(low / step) * step
    stop = math.ceil(high / step) * step
    ticks = [round(start + i * step, 10) for i in range(int(round((stop - start) / step)) + 1)]
    return start, stop, ticks


def _y(value: float, low: float, high: float, height: int) -> float:
    plot_h = height - TOP - BOTTOM
    return round(TOP + plot_h * (high - value) / (high - low), 1)


def event_plot(items: Sequence[tuple[int, float, float, float, bool]], *, width: int = WIDTH,
               height: int = HEIGHT) -> Plot:
    """Points with interval whiskers, one per (event time, estimate, low, high, reference)."""
    low, high, ticks = _scale([0.0, *[v for i in items for v in i[2:4]]])
    slot = (width - LEFT - RIGHT) / max(len(items), 1)
    every = max(1, math.ceil(len(items) / 14))
    points = []
    marker = None
    for n, (k, b, lo, hi, ref) in enumerate(items):
        x = round(LEFT + slot * (n + 0.5), 1)
        if k == 0:
            marker = round(x - slot / 2, 1)
        points.append(Point(label=str(k), x=x, y=_y(b, low, high, height), low=_y(lo, low, high, height),
                            high=_y(hi, low, high, height), reference=ref,
                            show_label=n % every == 0 or k == 0))
    return Plot(width, height, tuple(Tick(t, _y(t, low, high, height)) for t in ticks), tuple(points),
                _y(0.0, low, high, height), marker)


def series_plot(periods: Sequence[int], series: Sequence[Sequence[float]], start: int, *,
                width: int = WIDTH, height: int = HEIGHT) -> Plot:
    """Lines (SVG ``points`` strings), one per series over ``periods``, and a marker at ``start``."""
    low, high, ticks = _scale([v for s in series for v in s])
    n = len(periods)
    step = (width - LEFT - RIGHT) / max(n - 1, 1)
    every = max(1, math.ceil(n / 12))
    xs = [round(LEFT + step * i, 1) for i in range(n)]
    lines = tuple(" ".join(f"{x},{_y(v, low, high, height)}" for x, v in zip(xs, s, strict=True))
                  for s in series)
    points = tuple(Point(label=str(p), x=x, y=0, low=0, high=0, show_label=i % every == 0)
                   for i, (p, x) in enumerate(zip(periods, xs, strict=True)))
    marker = next((round(x - step / 2, 1) for p, x in zip(periods, xs, strict=True) if p == start), None)
    zero = _y(0.0, low, high, height) if low <= 0 <= high else -1.0
    return Plot(width, height, tuple(Tick(t, _y(t, low, high, height)) for t in ticks), points, zero,
                marker, lines)
