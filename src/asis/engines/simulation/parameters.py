"""Inputs of the simulation: model parameters, policy levers, geography and the run itself.

Every default is documented in docs/methods/simulation-odd.md with its source, or marked there
as an assumption. Rates are monthly: the model steps one month at a time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from asis.engines.simulation.errors import (
    InvalidParameterError,
    RunTooLargeError,
    check_probability,
    check_range,
)

MAX_HORIZON_MONTHS = 240
CALLS_PER_YEAR_CHOICES = (1, 2, 3, 4, 6, 12)
# 10,000 runs x 10,000 agents x 240 months; a caller (the web app) passes a smaller limit.
DEFAULT_MAX_AGENT_MONTHS = 24_000_000_000


def _annual_to_monthly(annual: float) -> float:
    return float(1.0 - (1.0 - annual) ** (1.0 / 12.0))


@dataclass(frozen=True)
class ModelParams:
    """Behaviour of initiatives, evaluators and outcomes (not under a policy maker's control)."""

    # Bass coefficients, monthly: Sultan, Farley & Lehmann (1990) meta-analysis means p=0.03,
    # q=0.38 per year, divided by 12.
    innovation_p: float = 0.03 / 12
    imitation_q: float = 0.38 / 12
    neighbour_weight: float = 0.25  # share of q acting from adjacent regions (assumption)
    cooperation_q: float = 0.038 / 12  # imitation along cooperation links (assumption: q / 10)
    heterogeneity_shape: float = 2.0  # gamma shape k of innovativeness, mean 1 (assumption)
    initial_active_share: float = 0.02  # active at month 0 (assumption; calibrated to data)
    # Eurostat business demography: about 45 % of new enterprises survive five years, i.e. an
    # annual exit hazard of 1 - 0.45**(1/5) = 0.147.
    failure_hazard: float = _annual_to_monthly(0.147)
    funded_hazard_ratio: float = 0.5  # hazard multiplier while funded (assumption)
    post_funding_hazard_ratio: float = 0.8  # after funding: capacity built (assumption)
    economic_effect: float = 0.2  # funded hazard x (1 - effect * economic quality) (assumption)
    training_survival_effect: float = 0.2  # hazard x (1 - effect * training) (assumption)
    cooperation_survival_effect: float = 0.1  # hazard x (1 - effect * support) (assumption)
    cooperation_gain: float = 1.0  # link imitation x (1 + gain * support) (assumption)
    apply_probability: float = 0.3  # an eligible initiative applies to a call (assumption)
    cofunding_deterrence: float = 1.0  # apply prob x (1 - deterrence * co-funding) (assumption)
    project_cost_eur: float = 150_000.0  # (assumption)
    funding_months: int = 24  # project duration (assumption: typical 2-year grants)
    quality_correlation: float = 0.3  # economic vs social quality (assumption)
    evaluator_noise_sd: float = 0.5  # in units of the quality sd (assumption)
    training_noise_effect: float = 0.5  # noise sd x (1 - effect * training) (assumption)
    scaling_rate: float = 0.01  # monthly, while funded (assumption)
    scaling_cooperation_gain: float = 1.0  # scaling x (1 + gain * support) (assumption)
    reach_per_active: float = 10.0  # persons per month per initiative (assumption)
    reach_per_funded: float = 40.0  # extra persons per month while funded (assumption)
    reach_quality_effect: float = 0.5  # extra reach x max(0, 1 + effect * social q.) (assumption)
    jobs_per_active: float = 1.0  # FTE per active initiative (assumption)
    jobs_per_funded: float = 1.5  # extra FTE while funded (assumption)

    def validate(self) -> None:
        for name in (
            "innovation_p", "imitation_q", "cooperation_q", "failure_hazard", "apply_probability",
            "scaling_rate", "initial_active_share",
        ):
            check_probability(name, getattr(self, name))
        for name in (
            "neighbour_weight", "economic_effect", "training_survival_effect",
            "cooperation_survival_effect", "cofunding_deterrence", "training_noise_effect",
        ):
            check_range(name, getattr(self, name), 0.0, 1.0)
        for name in (
            "funded_hazard_ratio", "post_funding_hazard_ratio", "cooperation_gain",
            "evaluator_noise_sd", "scaling_cooperation_gain", "reach_per_active",
            "reach_per_funded", "reach_quality_effect", "jobs_per_active", "jobs_per_funded",
        ):
            check_range(name, getattr(self, name), 0.0, 1e9)
        check_range("heterogeneity_shape", self.heterogeneity_shape, 1e-3, 1e6)
        check_range("project_cost_eur", self.project_cost_eur, 1.0, 1e12)
        check_range("funding_months", self.funding_months, 1, MAX_HORIZON_MONTHS)
        check_range("quality_correlation", self.quality_correlation, -1.0, 1.0)
        # Hazards must stay probabilities under every multiplier the model applies.
        worst = self.failure_hazard * max(self.funded_hazard_ratio * (1 + 5 * self.economic_effect),
                                          self.post_funding_hazard_ratio, 1.0)
        check_probability("failure_hazard x multipliers", worst)


@dataclass(frozen=True)
class Levers:
    """What a policy maker sets. ``regional_split`` None shares the budget by potential agents."""

    budget_eur_per_year: float = 20_000_000.0  # (assumption; order of an Interreg programme)
    regional_split: tuple[float, ...] | None = None
    social_weight: float = 0.3  # weight of social criteria in the grid (assumption)
    training_intensity: float = 0.0  # 0 none .. 1 every evaluator and applicant trained
    cooperation_support: float = 0.0  # 0 none .. 1 full support of cooperation
    cofunding_rate: float = 0.2  # applicant's share: Interreg 2021-27 co-finances 80 %
    calls_per_year: int = 1

    def validate(self, n_regions: int) -> None:
        if not self.budget_eur_per_year >= 0:
            raise InvalidParameterError(
                "simulation.negative_budget",
                f"the budget must not be negative, got {self.budget_eur_per_year}",
                {"field": "budget_eur_per_year", "value": self.budget_eur_per_year},
            )
        check_range("budget_eur_per_year", self.budget_eur_per_year, 0.0, 1e13)
        for name in ("social_weight", "training_intensity", "cooperation_support"):
            check_range(name, getattr(self, name), 0.0, 1.0)
        check_range("cofunding_rate", self.cofunding_rate, 0.0, 0.95)
        if self.calls_per_year not in CALLS_PER_YEAR_CHOICES:
            raise InvalidParameterError(
                "simulation.calls_per_year",
                f"calls_per_year must be one of {CALLS_PER_YEAR_CHOICES}",
                {"field": "calls_per_year", "value": self.calls_per_year,
                 "choices": CALLS_PER_YEAR_CHOICES},
            )
        if self.regional_split is not None:
            split = self.regional_split
            if len(split) != n_regions or any(not (s >= 0) for s in split) or not math.isclose(
                sum(split), 1.0, rel_tol=1e-6
            ):
                raise InvalidParameterError(
                    "simulation.regional_split",
                    f"regional_split needs {n_regions} non-negative shares summing to 1",
                    {"field": "regional_split", "regions": n_regions},
                )


@dataclass(frozen=True)
class Geography:
    """Regions, who neighbours whom, cooperation intensity, and potential initiatives per region.

    ``cooperation`` None links every region with every other one with equal weight (the Alpine
    Space as one cooperation area: assumption); the app may pass partnerships observed in data.
    """

    codes: tuple[str, ...]
    adjacency: tuple[tuple[int, ...], ...]
    agents: tuple[int, ...]
    cooperation: tuple[tuple[float, ...], ...] | None = None

    def validate(self) -> None:
        n = len(self.codes)
        shapes_ok = (
            n > 0 and len(self.agents) == n and len(self.adjacency) == n
            and all(len(row) == n for row in self.adjacency)
            and (self.cooperation is None or (len(self.cooperation) == n
                 and all(len(row) == n for row in self.cooperation)))
        )
        if not shapes_ok:
            raise InvalidParameterError(
                "simulation.geography_shape",
                "codes, agents, adjacency and cooperation must describe the same regions",
                {"field": "geography", "regions": n},
            )
        if any(a < 0 for a in self.agents) or sum(self.agents) == 0:
            raise InvalidParameterError(
                "simulation.agents", "agents per region must be >= 0 with a positive total",
                {"field": "agents"},
            )
        if self.cooperation is not None and any(v < 0 for row in self.cooperation for v in row):
            raise InvalidParameterError(
                "simulation.cooperation", "cooperation weights must be >= 0",
                {"field": "cooperation"},
            )

    @cached_property
    def adjacency_array(self) -> NDArray[np.float64]:
        return np.asarray(self.adjacency, dtype=np.float64)

    @cached_property
    def cooperation_array(self) -> NDArray[np.float64]:
        if self.cooperation is None:
            n = len(self.codes)
            return np.ones((n, n)) - np.eye(n)
        return np.asarray(self.cooperation, dtype=np.float64)

    @cached_property
    def agents_array(self) -> NDArray[np.int64]:
        return np.asarray(self.agents, dtype=np.int64)


def spread_agents(total: int, weights: tuple[float, ...]) -> tuple[int, ...]:
    """Largest-remainder split of ``total`` agents over regions in proportion to ``weights``."""
    w = np.asarray(weights, dtype=np.float64)
    if total < 0 or len(w) == 0 or np.any(w < 0) or w.sum() <= 0:
        raise InvalidParameterError(
            "simulation.agents", "need a non-negative total and non-negative weights",
            {"field": "agents"},
        )
    exact = total * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:rest]] += 1
    return tuple(int(v) for v in base)


def default_geography(total_agents: int = 10_000) -> Geography:
    """The 42 shipped regions, equal shares of potential initiatives (assumption)."""
    from asis.engines.simulation.regions import shipped_adjacency

    adjacency = shipped_adjacency()
    agents = spread_agents(total_agents, tuple(1.0 for _ in adjacency.codes))
    return Geography(codes=adjacency.codes, adjacency=adjacency.matrix, agents=agents)


def geography_for(agents: Mapping[str, int]) -> Geography:
    """Shipped regions named in ``agents`` (e.g. the observatory's counts), in that order."""
    from asis.engines.simulation.regions import reorder, shipped_adjacency

    adjacency = reorder(shipped_adjacency(), list(agents))
    return Geography(codes=adjacency.codes, adjacency=adjacency.matrix,
                     agents=tuple(int(v) for v in agents.values()))


@dataclass(frozen=True)
class RunSpec:
    """Everything that determines a Monte Carlo experiment: run ``i`` uses seed child ``i``."""

    geography: Geography
    params: ModelParams = field(default_factory=ModelParams)
    levers: Levers = field(default_factory=Levers)
    horizon_months: int = 120
    n_runs: int = 100
    seed: int = 0
    resolution: str = "month"

    def validate(self, *, max_agent_months: int = DEFAULT_MAX_AGENT_MONTHS) -> None:
        self.geography.validate()
        self.params.validate()
        self.levers.validate(len(self.geography.codes))
        check_range("horizon_months", self.horizon_months, 1, MAX_HORIZON_MONTHS)
        check_range("n_runs", self.n_runs, 1, 10**9)
        if self.seed < 0:
            raise InvalidParameterError(
                "simulation.seed", "the seed must be a non-negative integer", {"field": "seed"}
            )
        if self.resolution not in ("month", "year"):
            raise InvalidParameterError(
                "simulation.resolution", "resolution must be 'month' or 'year'",
                {"field": "resolution", "value": self.resolution},
            )
        size = self.n_runs * sum(self.geography.agents) * self.horizon_months
        if size > max_agent_months:
            raise RunTooLargeError(
                "simulation.run_too_large",
                f"{size} agent-months exceed the limit of {max_agent_months}",
                {"agent_months": size, "limit": max_agent_months},
            )
