"""The agent-based model, vectorised across agents and Monte Carlo runs (arrays (runs, regions, slots)).

Agents are potential and active initiatives. Each potential initiative i in region g has an
innovativeness theta_i ~ Gamma(k, 1/k) and emerges in month t with probability
1 - exp(-theta_i * lambda_g(t)), the Bass-type hazard

    lambda_g(t) = p + q A_g/N_g + q_nb (adj A)_g/(adj N)_g + q_c (1 + gain c) (C A)_g/(C N)_g

(A active initiatives at the end of the previous month, N potential ones, adj the adjacency of
the regions, C the cooperation links, c the cooperation-support lever). Drawing those monthly
Bernoulli trials is equivalent to giving each agent an Exp(1) threshold E_i and letting it emerge
in the first month where theta_i * sum_s lambda_g(s) >= E_i; the engine draws tau_i = E_i/theta_i
once, sorts it within the region, and each month only looks at the next slots. Failure,
scaling and replica lifetimes are geometric (memoryless) and drawn when an agent enters a state,
so the monthly loop touches only the agents that change state, not every agent.

Randomness: run ``i`` of a spec always draws from ``SeedSequence(seed, spawn_key=(i,))``, in a
fixed order, whatever the chunk it is computed in: any split into chunks or workers gives
bit-identical results (see experiments.run_chunk).

Array backend: the state of a chunk lives in the arrays of ``backend`` ("numpy", or "cupy" on an
NVIDIA GPU; see ``asis.engines._backend``). Random draws always come from each run's NumPy
generator on the host and are copied to the device, so a run draws the same numbers on either
backend; only floating-point rounding of the device's log/exp can differ (see ArrayOps).
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from asis.engines._backend import get_backend, to_numpy
from asis.engines.simulation.errors import InvalidParameterError
from asis.engines.simulation.parameters import DEFAULT_MAX_AGENT_MONTHS, Levers, RunSpec

NEVER = 2**30
WINDOW = 8
FLOW_INDICATORS = ("new", "failures", "applications", "funded", "grants_eur", "reach", "scaled")
STOCK_INDICATORS = ("active", "replicas", "funded_active", "jobs")
INDICATORS = STOCK_INDICATORS + FLOW_INDICATORS


@dataclass(frozen=True)
class ChunkResult:
    """Outputs of runs ``start..stop-1``: ``data[name]`` has shape (runs, periods, regions)."""

    start: int
    stop: int
    codes: tuple[str, ...]
    resolution: str
    data: dict[str, NDArray[np.float64]]


@dataclass(frozen=True)
class Derived:
    """Monthly rates and budget figures derived from parameters and levers (shared with meanfield)."""

    n_potential: NDArray[np.int64]
    n_initial: NDArray[np.int64]
    hazard_unfunded: float
    hazard_funded: float
    hazard_post: float
    apply_probability: float
    grant_eur: float
    slots_per_call: NDArray[np.int64]
    call_interval: int
    noise_sd: float
    score_sd: float
    cov_economic: float
    cov_social: float
    scaling_rate: float
    cooperation_q: float


@dataclass(frozen=True)
class ArrayOps:
    """The few operations NumPy and CuPy spell differently; everything else is ``xp.<name>``."""

    xp: Any
    add_at: Callable[..., None]  # unbuffered a[index] += value (np.add.at, cupyx.scatter_add)
    ndtri: Callable[[Any], Any]  # inverse standard normal CDF
    errstate: Callable[..., Any]  # silences floating-point warnings (a GPU raises none)


def array_ops(backend: str = "numpy") -> ArrayOps:
    """The operations of ``backend``; CuPy (and cupyx) are imported only when asked for."""
    xp = get_backend(backend)
    if xp is np:
        from scipy.special import ndtri

        return ArrayOps(xp=np, add_at=np.add.at, ndtri=ndtri, errstate=np.errstate)
    cupyx = importlib.import_module("cupyx")
    special = importlib.import_module("cupyx.scipy.special")
    return ArrayOps(xp=xp, add_at=cupyx.scatter_add, ndtri=special.ndtri,
                    errstate=lambda **_: contextlib.nullcontext())


_NUMPY = array_ops("numpy")


def derive(spec: RunSpec) -> Derived:
    p, lv, geo = spec.params, spec.levers, spec.geography
    agents = geo.agents_array
    n_initial = np.round(agents * p.initial_active_share).astype(np.int64)
    support = (1 - p.training_survival_effect * lv.training_intensity) * (
        1 - p.cooperation_survival_effect * lv.cooperation_support
    )
    h0 = p.failure_hazard * support
    grant = p.project_cost_eur * (1 - lv.cofunding_rate)
    split = (
        np.asarray(lv.regional_split, dtype=np.float64)
        if lv.regional_split is not None
        else agents / agents.sum()
    )
    per_call = lv.budget_eur_per_year / lv.calls_per_year
    slots = np.floor(per_call * split / grant + 1e-9).astype(np.int64)
    w, rho = lv.social_weight, p.quality_correlation
    noise = p.evaluator_noise_sd * (1 - p.training_noise_effect * lv.training_intensity)
    var = (1 - w) ** 2 + w**2 + 2 * w * (1 - w) * rho + noise**2
    return Derived(
        n_potential=agents - n_initial,
        n_initial=n_initial,
        hazard_unfunded=h0,
        hazard_funded=h0 * p.funded_hazard_ratio,
        hazard_post=h0 * p.post_funding_hazard_ratio,
        apply_probability=p.apply_probability * (1 - p.cofunding_deterrence * lv.cofunding_rate),
        grant_eur=grant,
        slots_per_call=slots,
        call_interval=12 // lv.calls_per_year,
        noise_sd=noise,
        score_sd=float(np.sqrt(var)),
        cov_economic=(1 - w) + w * rho,
        cov_social=(1 - w) * rho + w,
        scaling_rate=min(1.0, p.scaling_rate * (1 + p.scaling_cooperation_gain * lv.cooperation_support)),
        cooperation_q=p.cooperation_q * (1 + p.cooperation_gain * lv.cooperation_support),
    )


def emergence_matrix(spec: RunSpec, d: Derived) -> NDArray[np.float64]:
    """M with lambda_g = p + sum_j M[g, j] A_j: own region, neighbours and cooperation links."""
    geo, p = spec.geography, spec.params
    n = geo.agents_array.astype(np.float64)
    adj, coop = geo.adjacency_array, geo.cooperation_array

    def per(den: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.divide(1.0, den, out=np.zeros_like(den), where=den > 0)

    return np.asarray(
        p.imitation_q * np.diag(per(n))
        + p.imitation_q * p.neighbour_weight * adj * per(adj @ n)[:, None]
        + d.cooperation_q * coop * per(coop @ n)[:, None]
    )


def emergence_rate(p: float, matrix: Any, active: Any) -> Any:
    """lambda_g for active counts ``active`` (..., regions); shared with the mean-field model.

    An elementwise product summed along the last axis, not a matrix product: BLAS may sum in an
    order that depends on how many runs the chunk holds, and a run must not depend on its chunk.
    Works on NumPy and CuPy arrays alike (no conversion).
    """
    return p + (active[..., None, :] * matrix).sum(axis=-1)


def _derive_rows(spec: RunSpec, levers: Sequence[Levers]) -> list[Derived]:
    cache: dict[Levers, Derived] = {}
    for lv in levers:
        if lv not in cache:
            cache[lv] = derive(replace(spec, levers=lv))
    return [cache[lv] for lv in levers]


def geometric(u: Any, hazard: Any, ops: ArrayOps | None = None) -> Any:
    """Months K >= 1 to the event for a monthly hazard, by inversion of a uniform u in (0, 1]."""
    ops = ops or _NUMPY
    xp = ops.xp
    h = xp.broadcast_to(xp.asarray(hazard, dtype=xp.float64), u.shape)
    with ops.errstate(divide="ignore", invalid="ignore"):
        k = 1 + xp.floor(xp.log(u) / xp.log1p(-h))
    k = xp.where(h <= 0, NEVER, xp.nan_to_num(k, nan=1.0, posinf=NEVER))
    return xp.minimum(k, NEVER).astype(xp.int64)


def run_generator(seed: int, run: int) -> np.random.Generator:
    """The generator of run ``run``: child ``run`` of the spec's seed, whatever the chunking."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(run,))))


class _Chunk:
    """The state of one chunk of runs; ``step`` advances all runs by one month.

    Every array of the state is an ``ops.xp`` array (host or device); the generators, the lever
    rows and the call calendar stay on the host, and draws are copied to the device when used.
    """

    def __init__(self, spec: RunSpec, runs: Sequence[int], levers: Sequence[Levers],
                 ops: ArrayOps | None = None) -> None:
        # Row r is run ``runs[r]`` (its seed child) under ``levers[r]``: a Monte Carlo chunk has
        # one lever set, a sweep batches design points (common random numbers).
        self.ops = ops = ops or _NUMPY
        xp = self.xp = ops.xp
        self.spec, self.d = spec, derive(spec)
        geo, p = spec.geography, spec.params
        self.R, self.G = len(runs), len(geo.codes)
        ds = _derive_rows(spec, levers)

        def row(values: Sequence[float]) -> Any:
            return xp.asarray(np.asarray(values, dtype=np.float64))

        h_unfunded = [d.hazard_unfunded for d in ds]
        self.h_unfunded = row(h_unfunded)
        self.h_funded = row([d.hazard_funded for d in ds])
        self.h_post = row([d.hazard_post for d in ds])
        self.apply_p = row([d.apply_probability for d in ds])
        self.grant = row([d.grant_eur for d in ds])
        slots = np.stack([d.slots_per_call for d in ds])
        self.kmax = int(slots.max())
        self.interval = np.asarray([d.call_interval for d in ds])  # host: the call calendar
        self.noise = row([d.noise_sd for d in ds])
        self.weight = row([lv.social_weight for lv in levers])
        self.scaling = row([d.scaling_rate for d in ds])
        self.rate_matrix = xp.asarray(np.stack([emergence_matrix(spec, d) for d in ds]))
        self.B = int(geo.agents_array.max())
        self.T = spec.horizon_months
        self.gens = [run_generator(spec.seed, i) for i in runs]
        R, G, B, T = self.R, self.G, self.B, self.T
        self.slots = xp.asarray(np.minimum(slots, B))
        slot = np.arange(B)
        valid = slot[None, :] < geo.agents_array[:, None]
        initial = slot[None, :] < self.d.n_initial[:, None]
        tau = np.empty((R, G, B + WINDOW))
        life = np.empty((R, G, B), dtype=np.int64)

        def draw(r: int) -> None:
            gen = self.gens[r]
            theta = gen.gamma(p.heterogeneity_shape, 1.0 / p.heterogeneity_shape, size=(G, B))
            t_r = gen.standard_exponential(size=(G, B)) / theta
            t_r = np.where(initial, -1.0, np.where(valid, t_r, np.inf))
            tau[r, :, :B] = np.sort(t_r, axis=1)
            life[r] = geometric(1.0 - gen.random(size=(G, B)), h_unfunded[r])

        if xp is np:  # CPU chunks run one per worker process: one thread each
            for r in range(R):
                draw(r)
        else:  # a GPU chunk holds thousands of runs: the host draws them on all its cores
            with ThreadPoolExecutor(max_workers=min(32, os.cpu_count() or 1)) as pool:
                list(pool.map(draw, range(R)))
        tau[:, :, B:] = np.inf
        self.tau_flat = xp.asarray(tau.reshape(-1))
        self.life = xp.asarray(life)
        # Offsets of each (run, region) row in tau_flat: a flat gather beats take_along_axis.
        self.tau_rows = (xp.arange(R * G) * (B + WINDOW)).reshape(R, G, 1)
        self.window = xp.arange(WINDOW)
        self.grid = xp.empty(R * G * B)
        self.cum_hazard = xp.zeros((R, G))
        self.pointer = xp.zeros((R, G), dtype=xp.int64)
        # int32 months halve the memory traffic of the eligibility scans at each call.
        self.emerged = xp.full((R, G, B), NEVER, dtype=xp.int32)
        self.fail = xp.full((R, G, B), NEVER, dtype=xp.int32)
        self.funded_until = xp.full((R, G, B), -1, dtype=xp.int32)
        # Event histograms indexed by month (T is a sink for events beyond the horizon).
        self.fail_hist = xp.zeros((R, G, T + 1))
        self.replica_diff = xp.zeros((R, G, T + 1))
        self.funded_diff = xp.zeros((R, G, T + 1))
        self.reach_diff = xp.zeros((R, G, T + 1))
        self.out = {name: xp.zeros((R, T, G)) for name in INDICATORS}
        self.cohorts: dict[int, list[Any]] = defaultdict(list)
        adj = geo.adjacency_array > 0
        degree = adj.sum(axis=1)
        neighbours = np.zeros((G, max(1, int(degree.max()))), dtype=np.int64)
        for g in range(G):
            nb = np.flatnonzero(adj[g])
            neighbours[g, : len(nb)] = nb
        self.degree, self.neighbours = xp.asarray(degree), xp.asarray(neighbours)
        self._emerge(-1)  # initial actives (tau = -1) emerged "before" month 0
        self.active_prev = self.pointer.astype(xp.float64)

    def _hist_add(self, hist: Any, flat: Any, month: Any, value: Any) -> None:
        """Add ``value`` at (run, region of slot ``flat``, month), months past T in the sink."""
        rg = flat // self.B
        self.ops.add_at(hist.reshape(-1), rg * (self.T + 1) + self.xp.minimum(month, self.T), value)

    def _emerge(self, t: int) -> Any:
        xp = self.xp
        before = self.pointer.copy()
        found: list[Any] = []
        while True:
            idx = self.pointer[..., None] + self.window
            vals = self.tau_flat[self.tau_rows + idx]
            hit = vals <= self.cum_hazard[..., None]
            count = hit.sum(axis=2)
            r, g, w = xp.nonzero(hit)
            found.append((r * self.G + g) * self.B + idx[r, g, w])
            self.pointer += count
            if not bool(xp.any(count == WINDOW)):
                break
        flat = xp.concatenate(found)
        self.emerged.reshape(-1)[flat] = t
        fail = t + self.life.reshape(-1)[flat]
        self.fail.reshape(-1)[flat] = fail
        self._hist_add(self.fail_hist, flat, fail, 1.0)
        return self.pointer - before

    def _redraw_fail(self, flat: Any, t: int, u: Any, hazard: Any) -> Any:
        old = self.fail.reshape(-1)[flat].astype(self.xp.int64)
        self._hist_add(self.fail_hist, flat, old, -1.0)
        new = t - 1 + geometric(u, hazard, self.ops)
        self.fail.reshape(-1)[flat] = new
        self._hist_add(self.fail_hist, flat, new, 1.0)
        return new

    def _per_run(self, flat: Any, draw: int) -> Any:
        """``draw`` uniforms per selected slot, each run from its own generator, in slot order."""
        # (older CuPy's bincount fails on an empty array)
        counts = (to_numpy(self.xp.bincount(flat // (self.G * self.B), minlength=self.R)) if flat.size
                  else np.zeros(self.R, dtype=np.int64))
        parts = [gen.random(size=(draw, int(n))) for gen, n in zip(self.gens, counts, strict=True)]
        return self.xp.asarray(np.concatenate(parts, axis=1) if parts else np.empty((draw, 0)))

    def _end_funding(self, t: int) -> None:
        for flat in self.cohorts.pop(t, []):
            alive = flat[self.fail.reshape(-1)[flat] >= t]
            u = 1.0 - self._per_run(alive, 1)[0]
            self._redraw_fail(alive, t, u, self.h_post[self._run(alive)])

    def _call(self, t: int) -> None:
        xp, p = self.xp, self.spec.params
        calling = t % self.interval == 0
        if not calling.any():
            return
        eligible = (self.emerged < t) & (self.fail >= t) & (self.funded_until <= t)
        eligible &= xp.asarray(calling)[:, None, None]
        flat = xp.flatnonzero(eligible)
        apply = self._per_run(flat, 1)[0] < self.apply_p[self._run(flat)]
        flat = flat[apply]
        self._record(t, "applications", flat, 1.0)
        z = self.ops.ndtri(xp.clip(self._per_run(flat, 3), 1e-300, 1.0 - 1e-16))
        economic = z[0]
        social = p.quality_correlation * z[0] + math.sqrt(1 - p.quality_correlation**2) * z[1]
        run = self._run(flat)
        w = self.weight[run]
        score = (1 - w) * economic + w * social + self.noise[run] * z[2]
        flat_grid = self.grid
        flat_grid.fill(-np.inf)
        flat_grid[flat] = score
        grid = flat_grid.reshape(self.R, self.G, self.B)
        if self.kmax == 0:
            return
        kmax = min(self.kmax, self.B)
        top = -xp.partition(-grid, kmax - 1, axis=2)[:, :, :kmax]
        top = -xp.sort(-top, axis=2)
        k = self.slots
        # The k_g-th best score of each region is its funding threshold (k_g = 0: fund none).
        kth = xp.take_along_axis(top, xp.maximum(k - 1, 0)[..., None], axis=2)[..., 0]
        threshold = xp.where(k > 0, kth, np.inf)
        chosen = grid.reshape(-1)[flat] >= threshold.reshape(-1)[flat // self.B]
        flat, economic, social = flat[chosen], economic[chosen], social[chosen]
        if flat.size == 0:
            return
        self._record(t, "funded", flat, 1.0)
        run = self._run(flat)
        self._record(t, "grants_eur", flat, self.grant[run])
        self.funded_until.reshape(-1)[flat] = t + p.funding_months
        u = self._per_run(flat, 4)
        mult = xp.clip(1 - p.economic_effect * economic, 0.0, 2.0)
        fail = self._redraw_fail(flat, t, 1.0 - u[0], self.h_funded[run] * mult)
        end = xp.minimum(t + p.funding_months, fail)
        extra = p.reach_per_funded * xp.maximum(0.0, 1 + p.reach_quality_effect * social)
        self._hist_add(self.reach_diff, flat, xp.full_like(flat, t), extra)
        self._hist_add(self.reach_diff, flat, end, -extra)
        self._hist_add(self.funded_diff, flat, xp.full_like(flat, t), 1.0)
        self._hist_add(self.funded_diff, flat, end, -1.0)
        if t + p.funding_months < self.T:
            self.cohorts[t + p.funding_months].append(flat)
        # Scaling: one replica in a random neighbouring region if it happens while funded and alive.
        wait = geometric(1.0 - u[1], self.scaling[run], self.ops)
        month = t + wait - 1
        region = (flat // self.B) % self.G
        deg = self.degree[region]
        scales = (wait <= p.funding_months) & (month < fail) & (deg > 0)
        pick = xp.minimum((u[2] * deg).astype(xp.int64), xp.maximum(deg - 1, 0))
        target = self.neighbours[region, pick]
        death = month + geometric(1.0 - u[3], self.h_post[run], self.ops)
        target_flat = (run * self.G + target) * self.B
        s = scales
        self._hist_add(self.replica_diff, target_flat[s], month[s], 1.0)
        self._hist_add(self.replica_diff, target_flat[s], death[s], -1.0)
        inside = s & (month < self.T)
        self.ops.add_at(self.out["scaled"], (run[inside], month[inside], target[inside]), 1.0)

    def _run(self, flat: Any) -> Any:
        return flat // (self.G * self.B)

    def _record(self, t: int, name: str, flat: Any, value: Any) -> None:
        times = self.xp.full_like(flat, t)
        self.ops.add_at(self.out[name], (flat // (self.G * self.B), times, (flat // self.B) % self.G),
                        value)

    def run(self, progress: Callable[[float], None] | None = None) -> dict[str, NDArray[np.float64]]:
        """All months; the outputs, back on the host: ``name`` -> (runs, months, regions).

        ``progress(fraction)`` is called after each month; an exception it raises stops the chunk.
        """
        p, xp = self.spec.params, self.xp
        failed = xp.zeros((self.R, self.G))
        replicas = xp.zeros((self.R, self.G))
        funded_active = xp.zeros((self.R, self.G))
        reach_extra = xp.zeros((self.R, self.G))
        for t in range(self.T):
            self._end_funding(t)
            self._call(t)
            self.cum_hazard += emergence_rate(p.innovation_p, self.rate_matrix, self.active_prev)
            new = self._emerge(t)
            failed += self.fail_hist[:, :, t]
            replicas += self.replica_diff[:, :, t]
            funded_active += self.funded_diff[:, :, t]
            reach_extra += self.reach_diff[:, :, t]
            active = self.pointer - failed + replicas
            out = self.out
            out["new"][:, t] = new
            out["failures"][:, t] = self.fail_hist[:, :, t]
            out["active"][:, t] = active
            out["replicas"][:, t] = replicas
            out["funded_active"][:, t] = funded_active
            out["jobs"][:, t] = p.jobs_per_active * active + p.jobs_per_funded * funded_active
            out["reach"][:, t] = p.reach_per_active * active + reach_extra
            self.active_prev = active
            if progress is not None:
                progress((t + 1) / self.T)
        return {name: to_numpy(arr) for name, arr in self.out.items()}


def to_resolution(data: dict[str, NDArray[np.float64]], resolution: str) -> dict[str, NDArray[np.float64]]:
    """Monthly arrays (runs, months, regions) to years: flows summed, stocks at year end."""
    if resolution == "month":
        return data
    months = next(iter(data.values())).shape[1]
    ends = np.append(np.arange(11, months - 1, 12), months - 1)
    starts = np.concatenate([[0], ends[:-1] + 1])
    out = {}
    for name, arr in data.items():
        if name in FLOW_INDICATORS:
            out[name] = np.add.reduceat(arr, starts, axis=1)
        else:
            out[name] = arr[:, ends]
    return out


def simulate_chunk(
    spec: RunSpec, start: int, stop: int, *, max_agent_months: int = DEFAULT_MAX_AGENT_MONTHS,
    backend: str = "numpy", progress: Callable[[float], None] | None = None,
) -> ChunkResult:
    """Runs ``start..stop-1`` of ``spec``; identical to the same runs of any other split.

    ``backend`` "cupy" keeps the chunk's state on an NVIDIA GPU (module docstring); ``progress``
    hears the fraction of months done after each month, and may raise to stop the chunk.
    """
    spec.validate(max_agent_months=max_agent_months)
    if not (0 <= start < stop <= spec.n_runs):
        raise InvalidParameterError(
            "simulation.chunk_bounds",
            f"need 0 <= start < stop <= {spec.n_runs}, got {start}..{stop}",
            {"start": start, "stop": stop, "n_runs": spec.n_runs},
        )
    ops = array_ops(backend)
    chunk = _Chunk(spec, range(start, stop), [spec.levers] * (stop - start), ops)
    return ChunkResult(
        start=start, stop=stop, codes=spec.geography.codes, resolution=spec.resolution,
        data=to_resolution(chunk.run(progress), spec.resolution),
    )


def simulate_levers(
    spec: RunSpec, levers: Sequence[Levers], runs: Sequence[int], *,
    max_agent_months: int = DEFAULT_MAX_AGENT_MONTHS, backend: str = "numpy",
) -> ChunkResult:
    """Row i: run ``runs[i]`` of ``spec`` (its seed child) under ``levers[i]``.

    For sweeps: many design points in one chunk share the per-month overhead. Row i equals
    ``simulate_chunk`` of ``spec`` with ``levers[i]``, run ``runs[i]``.
    """
    spec.validate(max_agent_months=max_agent_months)
    if len(levers) != len(runs) or not levers or any(not 0 <= r < spec.n_runs for r in runs):
        raise InvalidParameterError(
            "simulation.batch_shape", "need one run index in [0, n_runs) per lever set",
            {"levers": len(levers), "runs": len(runs), "n_runs": spec.n_runs},
        )
    for lv in levers:
        lv.validate(len(spec.geography.codes))
    ops = array_ops(backend)
    chunk = _Chunk(spec, runs, levers, ops)
    return ChunkResult(
        start=0, stop=len(runs), codes=spec.geography.codes, resolution=spec.resolution,
        data=to_resolution(chunk.run(), spec.resolution),
    )
