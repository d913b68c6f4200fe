"""Mean-field (difference-equation) version of the agent-based model, for instant previews.

The same monthly step as model.py with expected counts instead of agents:

* potential initiatives: with gamma(k) innovativeness, the share not yet emerged after a
  cumulative hazard Lambda is (1 + Lambda/k)^-k exactly, so new_g(t) = N_g[S(Lambda(t-1)) -
  S(Lambda(t))]; only the imitation term is replaced by its expectation;
* applications: eligible x apply probability; funded = E[min(X, k)] for X ~ Poisson(applications)
  and k grants per region (Poisson approximation of the applicant count);
* the selected top fraction f of a normal score has mean phi(Phi^-1(1-f))/f score sds, so the
  expected economic and social quality of funded projects is cov/sd times that (truncated normal);
* funded cohorts are followed month by month (survival, scaling while funded), replicas decay.

It ignores the clipping of quality effects at 0 and the shift in survivors' composition; the
tests state how closely it tracks the agent-based mean (docs/methods/simulation-odd.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri, pdtr

from asis.engines.simulation.model import (
    INDICATORS,
    derive,
    emergence_matrix,
    emergence_rate,
    to_resolution,
)
from asis.engines.simulation.parameters import RunSpec


@dataclass(frozen=True)
class MeanFieldResult:
    """Expected trajectories: ``data[name]`` has shape (periods, regions)."""

    codes: tuple[str, ...]
    resolution: str
    data: dict[str, NDArray[np.float64]]


def expected_min_poisson(lam: NDArray[np.float64], k: NDArray[np.int64]) -> NDArray[np.float64]:
    """E[min(X, k)] for X ~ Poisson(lam): lam F(k-2) + k (1 - F(k-1)), F the Poisson CDF."""
    kf = k.astype(np.float64)
    low = np.where(k >= 2, pdtr(np.maximum(kf - 2, 0), lam), 0.0)
    tail = np.where(k >= 1, 1 - pdtr(np.maximum(kf - 1, 0), lam), 0.0)
    return np.asarray(lam * low + kf * tail)


def selected_mean(fraction: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean of the top ``fraction`` of a standard normal, phi(z)/f with z = Phi^-1(1 - f)."""
    f = np.clip(fraction, 1e-12, 1.0)
    z = ndtri(1 - f)
    dens = np.exp(-0.5 * np.where(np.isfinite(z), z, 0.0) ** 2) / np.sqrt(2 * np.pi)
    return np.asarray(np.where(f >= 1.0, 0.0, dens / f))


def mean_field(spec: RunSpec) -> MeanFieldResult:
    """Expected monthly indicators per region for ``spec`` (runs and seed are ignored)."""
    spec.geography.validate()
    spec.params.validate()
    spec.levers.validate(len(spec.geography.codes))
    d, p = derive(spec), spec.params
    geo = spec.geography
    G, T, D = len(geo.codes), spec.horizon_months, p.funding_months
    adj = geo.adjacency_array
    deg = adj.sum(axis=1)
    spread = np.divide(adj, deg[:, None], out=np.zeros_like(adj), where=deg[:, None] > 0)
    k = p.heterogeneity_shape
    rates = emergence_matrix(spec, d)
    pot0 = d.n_potential.astype(np.float64)
    unfunded = d.n_initial.astype(np.float64)
    post = np.zeros(G)
    replicas = np.zeros(G)
    lam = np.zeros(G)
    remaining = pot0.copy()
    # Funded cohorts by age: count alive, hazard, extra reach per agent, share not yet scaled.
    c_count = np.zeros((D, G))
    c_hazard = np.zeros((D, G))
    c_extra = np.zeros((D, G))
    c_unscaled = np.zeros((D, G))
    out = {name: np.zeros((T, G)) for name in INDICATORS}
    active_prev = unfunded.copy()
    for t in range(T):
        # Cohorts funded D months ago end their funding (the oldest row) and join "post".
        post += c_count[D - 1]
        c_count = np.roll(c_count, 1, axis=0)
        c_hazard = np.roll(c_hazard, 1, axis=0)
        c_extra = np.roll(c_extra, 1, axis=0)
        c_unscaled = np.roll(c_unscaled, 1, axis=0)
        c_count[0] = c_hazard[0] = c_extra[0] = c_unscaled[0] = 0.0
        if t % d.call_interval == 0:
            eligible = unfunded + post
            apps = eligible * d.apply_probability
            funded = expected_min_poisson(apps, d.slots_per_call)
            frac = np.divide(funded, apps, out=np.ones(G), where=apps > 0)
            top = selected_mean(frac)
            econ = d.cov_economic / d.score_sd * top
            social = d.cov_social / d.score_sd * top
            take = np.divide(funded, eligible, out=np.zeros(G), where=eligible > 0)
            unfunded -= unfunded * take
            post -= post * take
            c_count[0] = funded
            c_hazard[0] = d.hazard_funded * np.clip(1 - p.economic_effect * econ, 0.0, 2.0)
            c_extra[0] = p.reach_per_funded * np.maximum(0.0, 1 + p.reach_quality_effect * social)
            c_unscaled[0] = 1.0
            out["applications"][t] = apps
            out["funded"][t] = funded
            out["grants_eur"][t] = funded * d.grant_eur
        lam += emergence_rate(p.innovation_p, rates, active_prev)
        now = pot0 * (1 + lam / k) ** (-k)
        new = remaining - now
        remaining = now
        failures = unfunded * d.hazard_unfunded + post * d.hazard_post + (c_count * c_hazard).sum(0)
        unfunded = unfunded * (1 - d.hazard_unfunded) + new
        post *= 1 - d.hazard_post
        c_count *= 1 - c_hazard
        born = (c_count * c_unscaled * d.scaling_rate).sum(axis=0)
        c_unscaled *= 1 - d.scaling_rate
        scaled = born @ spread
        replicas = replicas * (1 - d.hazard_post) + scaled
        funded_active = c_count.sum(axis=0)
        active = unfunded + post + funded_active + replicas
        out["new"][t] = new
        out["failures"][t] = failures
        out["active"][t] = active
        out["replicas"][t] = replicas
        out["scaled"][t] = scaled
        out["funded_active"][t] = funded_active
        out["jobs"][t] = p.jobs_per_active * active + p.jobs_per_funded * funded_active
        out["reach"][t] = p.reach_per_active * active + (c_count * c_extra).sum(axis=0)
        active_prev = active
    data = {name: arr[None] for name, arr in out.items()}
    yearly = to_resolution(data, spec.resolution)
    return MeanFieldResult(
        codes=geo.codes, resolution=spec.resolution, data={n: a[0] for n, a in yearly.items()}
    )
