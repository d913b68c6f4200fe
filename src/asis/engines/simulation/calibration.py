"""Fitting the model to data: Bass least squares for emergence, rejection ABC for the rest.

* ``fit_emergence``: new initiatives per year (the observatory's series) -> Bass p, q, m by
  non-linear least squares (bass.fit_bass); p and q per year are divided by 12 for the monthly
  model and m is the number of potential initiatives.
* ``abc_rejection``: draws parameters from uniform priors, simulates, keeps the draws whose
  summaries lie closest to the observed ones (Pritchard et al. 1999; Beaumont, Zhang & Balding
  2002 for the distance on scaled summaries), and reports the diagnostics a reader needs to
  judge the fit: acceptance rate, accepted distances, posterior mean, sd and 5-95 % interval.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from asis.engines.simulation.bass import BassFit, fit_bass
from asis.engines.simulation.errors import InvalidParameterError
from asis.engines.simulation.experiments import run_chunk
from asis.engines.simulation.model import ChunkResult
from asis.engines.simulation.parameters import ModelParams, RunSpec


@dataclass(frozen=True)
class EmergenceFit:
    fit: BassFit
    params: ModelParams
    potential_initiatives: int


def fit_emergence(new_per_year: Sequence[float], base: ModelParams | None = None) -> EmergenceFit:
    """Bass fit of yearly new initiatives, converted to the model's monthly p and q."""
    fit = fit_bass(new_per_year)
    params = replace(base or ModelParams(), innovation_p=min(fit.p / 12, 1.0),
                     imitation_q=min(fit.q / 12, 1.0))
    return EmergenceFit(fit=fit, params=params, potential_initiatives=int(round(fit.m)))


@dataclass(frozen=True)
class Prior:
    """Uniform prior on the ModelParams field ``name``."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class PosteriorSummary:
    name: str
    mean: float
    sd: float
    q05: float
    q95: float


@dataclass(frozen=True)
class AbcResult:
    names: tuple[str, ...]
    accepted: NDArray[np.float64]  # (accepted, parameters)
    distances: NDArray[np.float64]  # of the accepted draws, ascending
    all_distances: NDArray[np.float64]
    acceptance_rate: float
    posterior: tuple[PosteriorSummary, ...]
    best: ModelParams


def _with(params: ModelParams, priors: Sequence[Prior], values: NDArray[np.float64]) -> ModelParams:
    """``params`` with the prior fields set; integer fields (funding_months) are rounded."""
    changes: dict[str, float | int] = {}
    for prior, value in zip(priors, values, strict=True):
        is_int = isinstance(getattr(params, prior.name), int)
        changes[prior.name] = int(round(value)) if is_int else float(value)
    return replace(params, **changes)  # type: ignore[arg-type]


Summaries = Callable[[ChunkResult], Mapping[str, float]]


def observed_rates(result: ChunkResult) -> dict[str, float]:
    """Summaries a funder observes: yearly exit rate, grants per year, reach per initiative-month."""
    data = result.data
    active_months = float(data["active"].sum())
    years = data["active"].shape[1] / (12 if result.resolution == "month" else 1)
    runs = data["active"].shape[0]
    return {
        "exit_rate_per_year": float(data["failures"].sum()) / max(active_months, 1.0)
        * (12 if result.resolution == "month" else 1),
        "funded_per_year": float(data["funded"].sum()) / (runs * years),
        "reach_per_active_month": float(data["reach"].sum()) / max(active_months, 1.0),
    }


def abc_rejection(
    spec: RunSpec, observed: Mapping[str, float], priors: Sequence[Prior], *,
    draws: int = 200, accept: float = 0.1, runs_per_draw: int = 2, seed: int = 0,
    summaries: Summaries = observed_rates, progress: Callable[[int, int], None] | None = None,
) -> AbcResult:
    """Rejection ABC over ``priors`` (fields of ModelParams) for ``observed`` summaries.

    ``progress(done, draws)`` is called after each draw (a background job reports it)."""
    fields = set(ModelParams.__dataclass_fields__)
    bad = [p.name for p in priors if p.name not in fields or not p.low <= p.high]
    if bad or not priors or not 0 < accept <= 1 or draws < 1 or not observed:
        raise InvalidParameterError(
            "simulation.abc_setup", "priors must name model parameters with low <= high; "
            "accept in (0, 1]; draws >= 1; observed not empty", {"fields": bad},
        )
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    lows = np.array([p.low for p in priors])
    highs = np.array([p.high for p in priors])
    theta = lows + (highs - lows) * rng.random((draws, len(priors)))
    keys = sorted(observed)
    obs = np.array([observed[k] for k in keys])
    scale = np.where(np.abs(obs) > 0, np.abs(obs), 1.0)
    distances = np.empty(draws)
    for i, row in enumerate(theta):
        params = _with(spec.params, priors, row)
        run_spec = replace(spec, params=params, n_runs=runs_per_draw, seed=seed + i)
        sim = summaries(run_chunk(run_spec, 0, runs_per_draw))
        distances[i] = float(np.sqrt((((np.array([sim[k] for k in keys]) - obs) / scale) ** 2).sum()))
        if progress is not None:
            progress(i + 1, draws)
    keep = max(1, int(round(accept * draws)))
    order = np.argsort(distances, kind="stable")[:keep]
    accepted = theta[order]
    posterior = tuple(
        PosteriorSummary(
            name=p.name, mean=float(accepted[:, j].mean()), sd=float(accepted[:, j].std()),
            q05=float(np.quantile(accepted[:, j], 0.05)), q95=float(np.quantile(accepted[:, j], 0.95)),
        )
        for j, p in enumerate(priors)
    )
    best = _with(spec.params, priors, accepted[0])
    return AbcResult(
        names=tuple(p.name for p in priors), accepted=accepted, distances=distances[order],
        all_distances=distances, acceptance_rate=keep / draws, posterior=posterior, best=best,
    )
