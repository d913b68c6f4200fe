"""Social return on investment (SROI): impact map, present value, ratio, payback,
sensitivity one assumption at a time (tornado) and Monte Carlo over assumption ranges.

Method: SROI Network / Social Value UK, *A Guide to Social Return on Investment* (2012),
stages 4 ("establishing impact") and 5 ("calculating the SROI"). For one outcome row

    impact_1 = quantity x proxy x (1 - deadweight)(1 - displacement)(1 - attribution)
    impact_t = impact_1 x (1 - drop_off)^(t - 1)            t = 1 .. duration
    PV       = sum_t impact_t / (1 + r)^t                   (year 1 is discounted once)

and for the map ``PV = sum over rows``, ``NPV = PV - investment``, ``SROI ratio = PV /
investment``, ``net SROI ratio = NPV / investment``, ``payback (months) = investment /
(annual impact / 12)`` where the annual impact is the undiscounted year-1 impact of all
rows (the guide's definition). The default discount rate is the 3.5 % of HM Treasury's
Green Book, which the guide recommends. Proxies are in report-year prices; :func:`rebase`
moves a proxy from its price year with a price index. Worked example: docs/methods/sroi.md.

Errors are :class:`SroiInputError`: a stable ``code`` and its ``params`` for the app to
translate, plus the ``field`` (``"outcomes[2].deadweight"``) that failed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from asis.engines._arrays import FloatArray
from asis.engines.errors import InvalidInputError

#: HM Treasury Green Book social time preference rate, the guide's default.
GREEN_BOOK_RATE = 0.035

#: The shares of an outcome row, each in [0, 1].
SHARES = ("deadweight", "displacement", "attribution", "drop_off")
#: Every assumption of an outcome row that may carry a range, in a fixed order (it fixes
#: the random streams of the Monte Carlo, see :func:`monte_carlo`).
ASSUMPTIONS = ("quantity", "proxy_value", "duration_years", *SHARES)
#: The map-level assumption.
DISCOUNT_RATE = "discount_rate"

#: Longest outcome duration accepted; the guide's outcomes last a few years, and the bound
#: keeps the year loop of the Monte Carlo short.
MAX_DURATION_YEARS = 100
MAX_DRAWS = 10_000_000


class SroiInputError(InvalidInputError):
    """Bad SROI input: ``code`` names the case, ``params`` its facts, ``field`` the place."""

    def __init__(self, code: str, field: str, message: str, **params: object) -> None:
        self.code = code
        self.params: dict[str, object] = dict(params)
        super().__init__(field, message)


@dataclass(frozen=True)
class Range:
    """An assumption's plausible range: triangular on (low, mode, high), uniform without mode."""

    low: float
    high: float
    mode: float | None = None


@dataclass(frozen=True)
class Outcome:
    """One row of the impact map; ``proxy_value`` is per unit per year in report-year prices.

    ``ranges`` maps names of :data:`ASSUMPTIONS` to their :class:`Range`.
    """

    stakeholder: str
    description: str
    quantity: float
    duration_years: int
    proxy_value: float
    deadweight: float = 0.0
    displacement: float = 0.0
    attribution: float = 0.0
    drop_off: float = 0.0
    ranges: Mapping[str, Range] = field(default_factory=dict)


@dataclass(frozen=True)
class ImpactMap:
    outcomes: Sequence[Outcome]
    investment: float
    discount_rate: float = GREEN_BOOK_RATE
    discount_rate_range: Range | None = None


@dataclass(frozen=True)
class OutcomeResult:
    """Per row: the year-1 impact and, per year, the impact before and after discounting."""

    impact_year1: float
    impacts: tuple[float, ...]
    discounted: tuple[float, ...]
    present_value: float


@dataclass(frozen=True)
class SroiResult:
    present_value: float
    investment: float
    net_present_value: float
    ratio: float
    net_ratio: float
    #: ``None`` when the year-1 impact is not positive: the investment is never paid back.
    payback_months: float | None
    outcomes: tuple[OutcomeResult, ...]
    #: Undiscounted impact of all rows per year (index 0 is year 1).
    impact_by_year: tuple[float, ...]


@dataclass(frozen=True)
class TornadoBar:
    """One assumption moved to its low and high end, everything else at its base value."""

    outcome_index: int | None  # None for the discount rate
    assumption: str
    base: float
    low: float
    high: float
    ratio_low: float
    ratio_high: float

    @property
    def swing(self) -> float:
        return abs(self.ratio_high - self.ratio_low)


@dataclass(frozen=True)
class Tornado:
    base_ratio: float
    bars: tuple[TornadoBar, ...]  # widest swing first


@dataclass(frozen=True)
class Histogram:
    edges: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    n_draws: int
    seed: int
    mean: float
    median: float
    std: float
    interval: tuple[float, float]
    interval_percentiles: tuple[float, float]
    probability_above_one: float
    npv_mean: float
    npv_interval: tuple[float, float]
    histogram: Histogram
    #: The ratio of every draw, only when asked for (``keep_draws=True``).
    ratios: FloatArray | None = None


# --- validation -------------------------------------------------------------------------


def _finite(value: float, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise SroiInputError("value_not_number", where, "must be a number") from exc
    if not math.isfinite(number):
        raise SroiInputError("value_not_finite", where, "must be a finite number")
    return number


def _check_assumption(name: str, value: float, where: str) -> None:
    """Raise unless ``value`` is allowed for the assumption ``name``."""
    if name in SHARES:
        if not 0.0 <= value <= 1.0:
            raise SroiInputError(
                "share_out_of_range", where, "must lie between 0 and 1", name=name, value=value
            )
    elif name == "quantity":
        if value < 0.0:
            raise SroiInputError("quantity_invalid", where, "must not be negative", value=value)
    elif name == "duration_years":
        if value < 1 or value > MAX_DURATION_YEARS or value != int(value):
            raise SroiInputError(
                "duration_invalid", where, f"must be a whole number of years from 1 to "
                f"{MAX_DURATION_YEARS}", value=value, maximum=MAX_DURATION_YEARS,
            )
    elif name == DISCOUNT_RATE and value <= -1.0:
        raise SroiInputError(
            "discount_rate_invalid", where, "must be above -100 %", value=value
        )


def _check_range(name: str, rng: Range, where: str) -> None:
    low = _finite(rng.low, f"{where}.low")
    high = _finite(rng.high, f"{where}.high")
    mode = None if rng.mode is None else _finite(rng.mode, f"{where}.mode")
    if low > high or (mode is not None and not low <= mode <= high):
        raise SroiInputError(
            "range_invalid", where, "needs low <= mode <= high", name=name, low=low, high=high,
        )
    _check_assumption(name, low, f"{where}.low")
    _check_assumption(name, high, f"{where}.high")


def validate(impact_map: ImpactMap) -> None:
    """Raise :class:`SroiInputError` on the first bad input of ``impact_map``."""
    if not impact_map.outcomes:
        raise SroiInputError("map_empty", "outcomes", "the impact map has no outcome")
    investment = _finite(impact_map.investment, "investment")
    if investment <= 0.0:
        raise SroiInputError(
            "investment_invalid", "investment", "must be positive", value=investment
        )
    rate = _finite(impact_map.discount_rate, DISCOUNT_RATE)
    _check_assumption(DISCOUNT_RATE, rate, DISCOUNT_RATE)
    if impact_map.discount_rate_range is not None:
        _check_range(DISCOUNT_RATE, impact_map.discount_rate_range, "discount_rate_range")
    for i, row in enumerate(impact_map.outcomes):
        for name in ASSUMPTIONS:
            where = f"outcomes[{i}].{name}"
            _check_assumption(name, _finite(getattr(row, name), where), where)
        for name, rng in row.ranges.items():
            if name not in ASSUMPTIONS:
                raise SroiInputError(
                    "assumption_unknown", f"outcomes[{i}].ranges", "unknown assumption",
                    name=name,
                )
            _check_range(name, rng, f"outcomes[{i}].ranges.{name}")


# --- deterministic ----------------------------------------------------------------------


def evaluate(impact_map: ImpactMap) -> SroiResult:
    """Present value, NPV, ratio and payback of ``impact_map``, with every intermediate."""
    validate(impact_map)
    rate = float(impact_map.discount_rate)
    investment = float(impact_map.investment)
    rows: list[OutcomeResult] = []
    horizon = max(int(row.duration_years) for row in impact_map.outcomes)
    by_year = [0.0] * horizon
    for row in impact_map.outcomes:
        year1 = (
            float(row.quantity) * float(row.proxy_value) * (1.0 - float(row.deadweight))
            * (1.0 - float(row.displacement)) * (1.0 - float(row.attribution))
        )
        impacts = tuple(
            year1 * (1.0 - float(row.drop_off)) ** (t - 1)
            for t in range(1, int(row.duration_years) + 1)
        )
        discounted = tuple(v / (1.0 + rate) ** t for t, v in enumerate(impacts, start=1))
        for t, v in enumerate(impacts):
            by_year[t] += v
        rows.append(OutcomeResult(year1, impacts, discounted, math.fsum(discounted)))
    pv = math.fsum(r.present_value for r in rows)
    annual = math.fsum(r.impact_year1 for r in rows)
    return SroiResult(
        present_value=pv,
        investment=investment,
        net_present_value=pv - investment,
        ratio=pv / investment,
        net_ratio=(pv - investment) / investment,
        payback_months=investment / (annual / 12.0) if annual > 0.0 else None,
        outcomes=tuple(rows),
        impact_by_year=tuple(by_year),
    )


def rebase(value: float, from_year: int, to_year: int, index: Mapping[int, float]) -> float:
    """Re-base a money value from ``from_year`` prices to ``to_year`` prices:
    ``value x index[to_year] / index[from_year]`` (e.g. Eurostat HICP, 2015 = 100)."""
    for year in (from_year, to_year):
        if year not in index:
            raise SroiInputError(
                "index_year_missing", "index", f"the price index has no value for {year}",
                year=year,
            )
        level = _finite(index[year], f"index[{year}]")
        if level <= 0.0:
            raise SroiInputError(
                "index_value_invalid", f"index[{year}]", "must be positive", year=year,
                value=level,
            )
    return _finite(value, "value") * float(index[to_year]) / float(index[from_year])


# --- vectorised core --------------------------------------------------------------------


def _base_values(impact_map: ImpactMap) -> list[dict[str, float]]:
    return [{name: float(getattr(row, name)) for name in ASSUMPTIONS}
            for row in impact_map.outcomes]


def _present_value(
    rows: Sequence[Mapping[str, FloatArray | float]], rate: FloatArray | float, size: int
) -> FloatArray:
    """PV of the map for ``size`` parameter sets at once (arrays or scalars per assumption).

    A loop over years of whole-vector operations: memory stays O(size) whatever the
    duration, and year t counts only where the (drawn) duration reaches t.
    """
    total = np.zeros(size)
    discount = 1.0 / (1.0 + np.asarray(rate, dtype=np.float64))
    for row in rows:
        duration = np.asarray(row["duration_years"], dtype=np.float64)
        value = (
            np.asarray(row["quantity"]) * np.asarray(row["proxy_value"])
            * (1.0 - np.asarray(row["deadweight"])) * (1.0 - np.asarray(row["displacement"]))
            * (1.0 - np.asarray(row["attribution"]))
        ) * discount
        keep = (1.0 - np.asarray(row["drop_off"])) * discount
        for t in range(1, int(np.max(duration)) + 1):
            total += np.where(duration >= t, value, 0.0)
            value = value * keep
    return total


def _ratio_with(impact_map: ImpactMap, index: int | None, name: str, value: float) -> float:
    rows: list[dict[str, FloatArray | float]] = list(_base_values(impact_map))  # type: ignore[arg-type]
    rate = float(impact_map.discount_rate)
    if index is None:
        rate = value
    else:
        rows[index] = {**rows[index], name: value}
    return float(_present_value(rows, rate, 1)[0]) / float(impact_map.investment)


# --- sensitivity ------------------------------------------------------------------------


def _default_range(name: str, base: float, swing: float) -> Range:
    """``base`` +/- ``swing`` (relative), kept inside the assumption's allowed values."""
    low, high = base * (1.0 - swing), base * (1.0 + swing)
    low, high = min(low, high), max(low, high)
    if name in SHARES:
        low, high = max(low, 0.0), min(high, 1.0)
    elif name == "quantity":
        low = max(low, 0.0)
    elif name == "duration_years":
        low, high = max(1.0, math.floor(low)), min(float(MAX_DURATION_YEARS), math.ceil(high))
    else:  # discount rate
        low = max(low, -0.99)
    return Range(low, high)


def tornado(impact_map: ImpactMap, *, default_swing: float | None = None) -> Tornado:
    """Move one assumption at a time to the ends of its range (the guide's sensitivity
    analysis), recomputing the ratio with everything else at its base value.

    Assumptions without a range are left out, unless ``default_swing`` (e.g. 0.2) gives
    them ``base +/- 20 %`` (shares clipped to [0, 1], durations to whole years). Bars are
    sorted by their swing, widest first, which draws the tornado.
    """
    validate(impact_map)
    if default_swing is not None and not 0.0 <= _finite(default_swing, "default_swing") <= 1.0:
        raise SroiInputError(
            "share_out_of_range", "default_swing", "must lie between 0 and 1",
            name="default_swing", value=default_swing,
        )
    candidates: list[tuple[int | None, str, float, Range]] = []
    rate = float(impact_map.discount_rate)
    if impact_map.discount_rate_range is not None:
        candidates.append((None, DISCOUNT_RATE, rate, impact_map.discount_rate_range))
    elif default_swing is not None:
        candidates.append((None, DISCOUNT_RATE, rate,
                           _default_range(DISCOUNT_RATE, rate, default_swing)))
    for i, row in enumerate(impact_map.outcomes):
        for name in ASSUMPTIONS:
            base = float(getattr(row, name))
            if name in row.ranges:
                candidates.append((i, name, base, row.ranges[name]))
            elif default_swing is not None:
                candidates.append((i, name, base, _default_range(name, base, default_swing)))
    bars = []
    for index, name, base, rng in candidates:
        low, high = float(rng.low), float(rng.high)
        if name == "duration_years":
            low, high = float(round(low)), float(round(high))
        bars.append(TornadoBar(
            outcome_index=index, assumption=name, base=base, low=low, high=high,
            ratio_low=_ratio_with(impact_map, index, name, low),
            ratio_high=_ratio_with(impact_map, index, name, high),
        ))
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    base_ratio = float(_present_value(_base_values(impact_map), rate, 1)[0]) / float(
        impact_map.investment
    )
    return Tornado(base_ratio=base_ratio, bars=tuple(bars))


# --- Monte Carlo ------------------------------------------------------------------------


def _draw(rng: Range, uniforms: FloatArray) -> FloatArray:
    """Inverse-CDF draws: uniform on [low, high], or triangular when a mode is given.

    Drawing through our own inverse CDF from ``Generator.random`` keeps every stream a
    plain sequence of doubles, so drawing in chunks gives the same numbers as at once.
    """
    low, high = float(rng.low), float(rng.high)
    width = high - low
    if rng.mode is None or width == 0.0:
        return low + width * uniforms
    mode = float(rng.mode)
    cut = (mode - low) / width
    left = low + np.sqrt(uniforms * width * (mode - low))
    right = high - np.sqrt((1.0 - uniforms) * width * (high - mode))
    return np.where(uniforms < cut, left, right)


def monte_carlo(
    impact_map: ImpactMap,
    *,
    n_draws: int = 100_000,
    seed: int = 0,
    interval: tuple[float, float] = (5.0, 95.0),
    bins: int = 30,
    chunk_size: int = 100_000,
    keep_draws: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult:
    """Distribution of the SROI ratio when every assumption with a range is drawn at once.

    Each (row, assumption) has its own stream, ``SeedSequence(seed, spawn_key=(row,
    assumption))``: adding a range to one assumption leaves the others' draws unchanged,
    and the same seed gives the same result however the draws are chunked. Durations
    are drawn and rounded to whole years. Returns the mean, median, the percentile
    ``interval`` (5-95 by default), the probability that the ratio exceeds 1 and a
    histogram with ``bins`` equal bins.
    """
    validate(impact_map)
    if not 1 <= int(n_draws) <= MAX_DRAWS or int(n_draws) != n_draws:
        raise SroiInputError(
            "draws_invalid", "n_draws", f"must be a whole number from 1 to {MAX_DRAWS}",
            value=n_draws, maximum=MAX_DRAWS,
        )
    if int(seed) != seed or seed < 0:
        raise SroiInputError("seed_invalid", "seed", "must be a non-negative whole number",
                             value=seed)
    lo_pct, hi_pct = (float(interval[0]), float(interval[1]))
    if not 0.0 <= lo_pct < hi_pct <= 100.0:
        raise SroiInputError("interval_invalid", "interval", "needs 0 <= low < high <= 100",
                             low=lo_pct, high=hi_pct)
    if int(bins) < 1:
        raise SroiInputError("bins_invalid", "bins", "must be at least 1", value=bins)
    n_draws, seed, chunk_size = int(n_draws), int(seed), max(1, int(chunk_size))
    investment = float(impact_map.investment)

    def stream(*key: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))

    rate_stream = stream(len(impact_map.outcomes), 0)
    streams = {
        (i, name): stream(i, j)
        for i, row in enumerate(impact_map.outcomes)
        for j, name in enumerate(ASSUMPTIONS) if name in row.ranges
    }
    base = _base_values(impact_map)
    ratios = np.empty(n_draws)
    done = 0
    while done < n_draws:
        size = min(chunk_size, n_draws - done)
        rows: list[dict[str, FloatArray | float]] = []
        for i, row in enumerate(impact_map.outcomes):
            values: dict[str, FloatArray | float] = dict(base[i])
            for name, rng in row.ranges.items():
                values[name] = _draw(rng, streams[(i, name)].random(size))
                if name == "duration_years":
                    values[name] = np.rint(values[name])
            rows.append(values)
        rate: FloatArray | float = float(impact_map.discount_rate)
        if impact_map.discount_rate_range is not None:
            rate = _draw(impact_map.discount_rate_range, rate_stream.random(size))
        ratios[done:done + size] = _present_value(rows, rate, size) / investment
        done += size
        if progress is not None:
            progress(done, n_draws)
    low, high = np.percentile(ratios, [lo_pct, hi_pct])
    counts, edges = np.histogram(ratios, bins=int(bins))
    npv = (ratios - 1.0) * investment
    npv_low, npv_high = np.percentile(npv, [lo_pct, hi_pct])
    return MonteCarloResult(
        n_draws=n_draws,
        seed=seed,
        mean=float(ratios.mean()),
        median=float(np.median(ratios)),
        std=float(ratios.std(ddof=1)) if n_draws > 1 else 0.0,
        interval=(float(low), float(high)),
        interval_percentiles=(lo_pct, hi_pct),
        probability_above_one=float((ratios > 1.0).mean()),
        npv_mean=float(npv.mean()),
        npv_interval=(float(npv_low), float(npv_high)),
        histogram=Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts)),
        ratios=ratios if keep_draws else None,
    )
