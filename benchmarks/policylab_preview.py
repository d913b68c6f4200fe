"""Server time of the scenario explorer's live preview; run with
``nice .venv/bin/python benchmarks/policylab_preview.py`` (needs no database).

Times what ``policylab:preview`` computes for one slider position: the mean-field model on the
scenario's frozen specification (``asis.policylab.explorer.preview.build_preview``: 10,000
potential initiatives in the 42 regions, 10 years) and the small Altair chart rendered to SVG by
vl-convert, separately and together, as milliseconds per request (median and 90th percentile over
``--repeat`` requests, each with another budget as when a slider moves). It also times the first
request of a process (shapes of the regions read once, vl-convert started). Goal: < 100 ms per
request.
Timings are not asserted in tests on purpose.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings.test")

import django  # noqa: E402

django.setup()

from asis.policylab import adapters, charts  # noqa: E402
from asis.policylab.explorer.preview import build_preview, chart_svg  # noqa: E402


def spec_for(budget: float, years: int, agents: int) -> dict:
    levers = {"budget_eur_per_year": budget, "social_weight": 0.3, "training_intensity": 0.4,
              "cooperation_support": 0.2, "cofunding_rate": 0.2, "calls_per_year": 2}
    return adapters.frozen_spec(levers=levers, params={}, horizon_years=years, n_runs=1, seed=0,
                                agents=adapters.agents_by_region(agents))


def ms(seconds: list[float]) -> str:
    values = sorted(1000 * s for s in seconds)
    p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
    return f"median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--agents", type=int, default=10_000)
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    start = time.perf_counter()
    build_preview(spec_for(20e6, args.years, args.agents))
    print(f"first request of a process:      {1000 * (time.perf_counter() - start):7.1f} ms")
    budgets = [5e6 + 1e6 * (i % 40) for i in range(args.repeat)]
    model, chart, whole = [], [], []
    for budget in budgets:
        spec = spec_for(budget, args.years, args.agents)
        t0 = time.perf_counter()
        preview = build_preview(spec, chart=False)
        charts._render_cached.cache_clear()  # a slider's new position is a new chart: no cache hit
        t1 = time.perf_counter()
        chart_svg(preview.years, preview.series)
        t2 = time.perf_counter()
        charts._render_cached.cache_clear()
        build_preview(spec)
        t3 = time.perf_counter()
        model.append(t1 - t0)
        chart.append(t2 - t1)
        whole.append(t3 - t2)
    print(f"mean field + key numbers:        {ms(model)}")
    print(f"chart (Altair + vl-convert SVG): {ms(chart)}")
    print(f"preview per request (both):      {ms(whole)}   goal < 100 ms")


if __name__ == "__main__":
    main()
