"""Benchmarks of asis.engines; run with ``.venv/bin/python benchmarks/engines/bench_engines.py``.

Prints one line per measurement (best of ``--repeat`` runs, wall clock) and the
targets from issue 4. Reference packages (krippendorff, pymcdm) run on the same
data in the same process. Timings are not asserted in tests on purpose.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from asis.engines import aggregation, agreement, mcda, portfolio, sensitivity


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def panel_data(seed: int = 0, n_apps: int = 10_000, pool: int = 300, per_app: int = 3, m: int = 12):
    """Evaluators x applications x criteria integer scores 0-5 with evaluator offsets."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(3.0, 0.8, (n_apps, m))
    offset = rng.normal(0.0, 0.5, pool)
    tensor = np.full((pool, n_apps, m), np.nan)
    who = np.argsort(rng.random((n_apps, pool)), axis=1)[:, :per_app]
    apps = np.repeat(np.arange(n_apps), per_app)
    evs = who.ravel()
    noise = rng.normal(0, 0.7, (apps.shape[0], m))
    tensor[evs, apps] = np.clip(np.round(quality[apps] + offset[evs][:, None] + noise), 0, 5)
    return tensor, who


def bench_panel(repeat: int) -> None:
    import krippendorff
    from pymcdm.methods import TOPSIS
    from pymcdm.normalizations import vector_normalization

    tensor, who = panel_data()
    pool, n_apps, m = tensor.shape
    weights = np.linspace(1, 2, m)
    weights /= weights.sum()
    print(f"\n## Panel: {n_apps} applications x 3 evaluators (pool {pool}) x {m} criteria")

    def calibrate():
        return [aggregation.evaluator_effects(tensor[:, :, c]) for c in range(m)]

    t_cal, effects = best_of(repeat, calibrate)
    calibrated = np.stack([e.adjusted for e in effects], axis=2)

    def aggregate():
        return np.stack(
            [aggregation.aggregate(calibrated[:, :, c]).values for c in range(m)], axis=1
        )

    t_agg, matrix = best_of(repeat, aggregate)
    crit0 = tensor[:, :, 0]
    t_alpha, alpha = best_of(repeat, lambda: agreement.krippendorff_alpha(crit0, "interval"))
    t_alpha_ord, alpha_ord = best_of(repeat, lambda: agreement.krippendorff_alpha(crit0, "ordinal"))
    totals = np.einsum("eac,c->ea", np.nan_to_num(tensor), weights)
    slots = np.take_along_axis(totals.T, who, axis=1)  # applications x 3 (one-way design)
    t_icc, _ = best_of(repeat, lambda: agreement.icc(slots))
    t_ws, _ = best_of(repeat, lambda: mcda.weighted_sum(matrix, weights))
    benefit = np.ones(m, dtype=bool)
    t_topsis, ours = best_of(repeat, lambda: mcda.topsis(matrix, weights, benefit))
    total = t_cal + t_agg + t_alpha + t_icc + t_ws + t_topsis
    print(f"calibration (evaluator effects, 12 criteria)  {t_cal * 1000:8.1f} ms")
    print(f"aggregation (mean, 12 criteria)               {t_agg * 1000:8.1f} ms")
    print(f"Krippendorff alpha interval (1 criterion)     {t_alpha * 1000:8.1f} ms")
    print(f"Krippendorff alpha ordinal (1 criterion)      {t_alpha_ord * 1000:8.1f} ms")
    print(f"ICC, six forms (10000 x 3)                     {t_icc * 1000:8.1f} ms")
    print(f"weighted sum                                  {t_ws * 1000:8.1f} ms")
    print(f"TOPSIS                                        {t_topsis * 1000:8.1f} ms")
    print(
        f"TOTAL calibration+aggregation+alpha+ICC+WS+TOPSIS {total * 1000:8.1f} ms (target <= 1000)"
    )

    t_k, k_alpha = best_of(
        repeat, lambda: krippendorff.alpha(reliability_data=crit0, level_of_measurement="interval")
    )
    t_k_ord, k_ord = best_of(
        repeat, lambda: krippendorff.alpha(reliability_data=crit0, level_of_measurement="ordinal")
    )
    types = np.ones(m)
    t_p, theirs = best_of(repeat, lambda: TOPSIS(vector_normalization)(matrix, weights, types))
    assert abs(alpha.alpha - k_alpha) < 1e-9 and abs(alpha_ord.alpha - k_ord) < 1e-9
    assert np.allclose(ours.scores, theirs)
    print(
        f"krippendorff package, interval                {t_k * 1000:8.1f} ms  (ours is {t_k / t_alpha:.1f}x faster)"
    )
    print(
        f"krippendorff package, ordinal                 {t_k_ord * 1000:8.1f} ms  (ours is {t_k_ord / t_alpha_ord:.1f}x faster)"
    )
    print(
        f"pymcdm TOPSIS                                 {t_p * 1000:8.1f} ms  (ours is {t_p / t_topsis:.1f}x faster)"
    )


def bench_smaa(repeat: int) -> None:
    rng = np.random.default_rng(1)
    n, m, draws = 2000, 12, 10_000
    x = rng.uniform(0, 1, (n, m))
    costs = rng.uniform(20_000, 200_000, n)
    budget = float(costs.sum() * 0.2)
    print(f"\n## SMAA: {draws} weight draws x {n} applications x {m} criteria")
    t_uniform, _ = best_of(
        repeat, lambda: sensitivity.smaa(x, n_draws=draws, costs=costs, budget=budget, seed=1)
    )
    w = np.full(m, 1 / m)
    bounds = sensitivity.bounds_around(w, 0.3)
    t_bounded, res = best_of(
        repeat,
        lambda: sensitivity.smaa(
            x, weights=w, bounds=bounds, n_draws=draws, costs=costs, budget=budget, seed=1
        ),
    )
    print(f"uniform simplex weights + funding probability {t_uniform:8.2f} s (target <= 3)")
    print(
        f"bounded weights (+-30 %) + funding probability {t_bounded:7.2f} s (acceptance {res.acceptance_rate:.2f})"
    )
    print("GPU backend (cupy): not measured (no GPU in this session)")


def bench_milp(repeat: int) -> None:
    rng = np.random.default_rng(2)
    n, regions = 5000, [f"R{k:02d}" for k in range(42)]
    cands = [
        portfolio.Candidate(
            f"a{i}",
            float(rng.integers(20, 200) * 1000),
            float(rng.uniform(40, 95)),
            {"region": regions[i % 42]},
        )
        for i in range(n)
    ]
    groups = [portfolio.GroupConstraint("region", r, min_count=5, max_share=0.05) for r in regions]
    budget = sum(c.cost for c in cands) * 0.2
    print(
        f"\n## MILP portfolio: {n} applications, budget, 42 regional constraints (min count 5, max share 5 %)"
    )
    t, res = best_of(
        repeat,
        lambda: portfolio.select(
            cands,
            budget,
            groups=groups,
            exclusions=[["a1", "a2"]],
            min_score=45,
            mip_rel_gap=1e-3,
            time_limit=10,
        ),
    )
    print(f"select()                                      {t:8.2f} s (target <= 10)")
    print(f"status {res.status}, proven gap {res.gap * 100:.4f} % (target <= 0.1 %)")
    print(
        f"objective {res.objective:.1f}; greedy {res.greedy.objective:.1f} (gap {res.greedy_gap * 100:.3f} %, greedy feasible: {res.greedy.feasible})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            models = [ln.split(":", 1)[1].strip() for ln in handle if ln.startswith("model name")]
    except OSError:
        models = []
    cpu = models[0] if models else platform.processor()
    import os

    print(f"# asis.engines benchmarks - {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(
        f"CPU: {cpu}; cores (nproc): {os.cpu_count()}; numpy {np.__version__}; python {platform.python_version()}"
    )
    bench_panel(args.repeat)
    bench_smaa(args.repeat)
    bench_milp(args.repeat)


if __name__ == "__main__":
    main()
