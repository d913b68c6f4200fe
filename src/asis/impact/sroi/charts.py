"""Chart geometry of the SROI results: the tornado (one bar per assumption from the ratio at its
low end to the ratio at its high end, around the base ratio) and the Monte Carlo histogram
(``asis.core.charts.column_chart``). Drawn by templates with a data table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from asis.core.charts import Chart, column_chart
from asis.core.formatting import number, percent
from asis.impact.sroi.adapters import assumption_label

SHARES = ("deadweight", "displacement", "attribution", "drop_off", "discount_rate")


@dataclass(frozen=True)
class TornadoBar:
    label: str
    low_text: str
    high_text: str
    ratio_low: float
    ratio_high: float
    x: float
    y: float
    width: float
    height: float
    label_y: float


@dataclass(frozen=True)
class TornadoTick:
    text: str
    position: float


@dataclass(frozen=True)
class TornadoChart:
    width: int
    height: int
    bars: tuple[TornadoBar, ...]
    base_x: float
    base_text: str
    ticks: tuple[TornadoTick, ...]
    axis_y: float

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def assumption_value(name: str, value: float) -> str:
    if name in SHARES:
        return percent(value, 1)
    if name == "duration_years":
        return _("%(years)s years") % {"years": number(value, 0)}
    return number(value, 2)


def bar_label(bar: dict[str, Any], outcomes: Sequence[dict[str, Any]]) -> str:
    """"deadweight: Carers - less stress" (the discount rate belongs to no outcome)."""
    name = assumption_label(bar["assumption"])
    index = bar.get("outcome_index")
    if index is None or index >= len(outcomes):
        return name
    return _("%(assumption)s: %(outcome)s") % {"assumption": name, "outcome": outcomes[index]["outcome"]}


def tornado_chart(bars: Sequence[dict[str, Any]], outcomes: Sequence[dict[str, Any]], base: float, *,
                  width: int = 640, label_width: int = 230, bar_height: int = 20, gap: int = 8,
                  limit: int = 12) -> TornadoChart:
    """Bars from min(ratio_low, ratio_high) to the max, widest swing first (as ``bars`` come)."""
    shown = list(bars)[:limit]
    values = [base] + [v for b in shown for v in (b["ratio_low"], b["ratio_high"])]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    plot = width - label_width - 16
    top = 8

    def x_of(value: float) -> float:
        return round(label_width + plot * (value - lo) / (hi - lo), 1)

    drawn = []
    for i, bar in enumerate(shown):
        y = top + i * (bar_height + gap)
        left, right = sorted((bar["ratio_low"], bar["ratio_high"]))
        drawn.append(TornadoBar(
            label=bar_label(bar, outcomes), low_text=assumption_value(bar["assumption"], bar["low"]),
            high_text=assumption_value(bar["assumption"], bar["high"]), ratio_low=bar["ratio_low"],
            ratio_high=bar["ratio_high"], x=x_of(left), y=y, width=max(round(x_of(right) - x_of(left), 1), 1.0),
            height=bar_height, label_y=y + bar_height * 0.7))
    height = top + len(shown) * (bar_height + gap) + 24
    ticks = tuple(TornadoTick(number(lo + (hi - lo) * k / 4, 2), x_of(lo + (hi - lo) * k / 4)) for k in range(5))
    return TornadoChart(width, height, tuple(drawn), x_of(base), number(base, 2), ticks, height - 20)


def histogram_chart(histogram: dict[str, Any]) -> Chart:
    edges, counts = histogram["edges"], histogram["counts"]
    items = [(f"{number(edges[i], 2)}\u2013{number(edges[i + 1], 2)}", int(counts[i])) for i in range(len(counts))]
    return column_chart(items)
