"""DiD with unit-clustered errors on a large panel; run with
``nice .venv/bin/python benchmarks/counterfactual_did.py``.

Times ``asis.engines.counterfactual`` (panel checks + within transformation + statsmodels OLS with
CRV1 by unit) on 5,000 units x 20 periods, and beside it the same model called directly in
statsmodels: OLS with ``C(unit) + C(period)`` dummies through the formula interface, clustered by
unit. The dense dummy design grows as units^2 x periods, so the direct call runs on the sizes
given by ``--reference-units`` (and on 5,000 units only with ``--full-reference``, which needs about
8 GB of memory and minutes). Estimates agree to 1e-8 wherever both run; the standard errors agree
with ``dof="all"``. Timings are not asserted in tests on purpose.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

from asis.engines.counterfactual.did import did_estimate, event_study
from asis.engines.counterfactual.panel import PanelInput, PanelRow, panel_validate


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def generate(n_units: int, n_periods: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, int]]:
    """Unit effects, a common trend, AR(1) errors within unit (so clustering matters), effect 1.5
    on the first fifth of the units from period 12 on."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    period = np.tile(np.arange(n_periods), n_units)
    e = rng.normal(0, 1, (n_units, n_periods))
    for t in range(1, n_periods):
        e[:, t] += 0.6 * e[:, t - 1]
    treated_unit = unit < n_units // 5
    start = 12
    y = (rng.normal(0, 2, n_units)[unit] + 0.1 * period + e.ravel()
         + 1.5 * (treated_unit & (period >= start)))
    frame = pd.DataFrame({"unit": [f"u{u:05d}" for u in unit], "period": 2000 + period, "y": y,
                          "d": (treated_unit & (period >= start)).astype(float)})
    starts = {f"u{u:05d}": 2000 + start for u in range(n_units // 5)}
    return frame, starts


def ours(frame: pd.DataFrame, starts: dict[str, int], dof: str = "nested") -> Any:
    rows = tuple(PanelRow(unit=u, period=int(p), outcome=float(v))
                 for u, p, v in zip(frame.unit, frame.period, frame.y, strict=True))
    panel = panel_validate(PanelInput(rows=rows, treatment_start=starts))
    return did_estimate(panel, dof=dof)  # type: ignore[arg-type]


def direct(frame: pd.DataFrame) -> Any:
    groups = pd.factorize(frame.unit)[0]
    return smf.ols("y ~ d + C(unit) + C(period)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": groups})


def direct_within(frame: pd.DataFrame) -> Any:
    """The closest direct call at full size: unit means removed with pandas, period dummies in the
    formula (exact for a balanced panel), clustered by unit. statsmodels then counts only the 21
    columns in its small-sample factor, as ``dof="nested"`` less the period effects' share."""
    within = frame.assign(y=frame.y - frame.groupby("unit").y.transform("mean"),
                          d=frame.d - frame.groupby("unit").d.transform("mean"))
    groups = pd.factorize(frame.unit)[0]
    return smf.ols("y ~ d + C(period)", within).fit(cov_type="cluster",
                                                    cov_kwds={"groups": groups})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-units", type=int, nargs="*", default=[250, 500, 1000])
    parser.add_argument("--full-reference", action="store_true")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"statsmodels {statsmodels.__version__}, {platform.processor() or platform.machine()}")

    frame, starts = generate(args.units, args.periods)
    t_ours, result = best_of(args.repeat, lambda: ours(frame, starts))
    print(f"asis DiD {args.units} x {args.periods} ({len(frame):,} rows): {t_ours:.3f} s "
          f"(goal <= 2 s); beta {result.effect.estimate:.4f} se {result.effect.std_error:.4f}")
    rows = tuple(PanelRow(unit=u, period=int(p), outcome=float(v))
                 for u, p, v in zip(frame.unit, frame.period, frame.y, strict=True))
    t_check, panel = best_of(args.repeat, lambda: panel_validate(
        PanelInput(rows=rows, treatment_start=starts)))
    t_fit, _ = best_of(args.repeat, lambda: did_estimate(panel))
    t_es, study = best_of(args.repeat, lambda: event_study(panel))
    print(f"  of which panel checks {t_check:.3f} s, estimation {t_fit:.3f} s; "
          f"event study ({len(study.coefficients) - 1} leads/lags + pre-trend test) {t_es:.3f} s")

    t_within, fit = best_of(args.repeat, lambda: direct_within(frame))
    print(f"statsmodels formula on unit-demeaned data + C(period), {args.units} units: "
          f"{t_within:.3f} s; beta {fit.params['d']:.4f} "
          f"(|difference| {abs(fit.params['d'] - result.effect.estimate):.1e})")

    sizes = list(args.reference_units) + ([args.units] if args.full_reference else [])
    for n in sizes:
        small, small_starts = generate(n, args.periods)
        t_direct, fit = best_of(1 if n > 1000 else args.repeat, lambda s=small: direct(s))
        t_small, mine = best_of(args.repeat, lambda s=small, st=small_starts: ours(s, st, "all"))
        agree = max(abs(fit.params["d"] - mine.effect.estimate),
                    abs(fit.bse["d"] - mine.effect.std_error))
        print(f"{n} units: statsmodels C(unit)+C(period) {t_direct:.3f} s, asis {t_small:.3f} s "
              f"({t_direct / t_small:.0f}x); max |difference| {agree:.1e}")


if __name__ == "__main__":
    main()
