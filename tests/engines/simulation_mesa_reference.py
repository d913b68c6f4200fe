"""An agent-per-object reference of the simulation model, written with Mesa 3.3.

Every initiative is a Python object drawing its own Bernoulli trials month by month - the
literal reading of docs/methods/simulation-odd.md - so that the vectorised engine (thresholds,
geometric waiting times, event histograms) can be checked against it statistically and timed
against it (benchmarks/simulation.py).
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from asis.engines.simulation.model import derive
from asis.engines.simulation.parameters import RunSpec


class Initiative(mesa.Agent):
    def __init__(self, model: Ecosystem, region: int, theta: float, active: bool) -> None:
        super().__init__(model)
        self.region = region
        self.theta = theta
        self.state = "active" if active else "potential"
        self.emerged = -1 if active else None
        self.hazard = model.d.hazard_unfunded
        self.funded_until = -1
        self.grant_start = -1
        self.extra_reach = 0.0
        self.may_scale = False


class Replica(mesa.Agent):
    def __init__(self, model: Ecosystem, region: int, created: int) -> None:
        super().__init__(model)
        self.region = region
        self.created = created
        self.alive = True


class Ecosystem(mesa.Model):
    def __init__(self, spec: RunSpec, seed: int) -> None:
        super().__init__(seed=seed)
        self.spec, self.d, self.p = spec, derive(spec), spec.params
        geo = spec.geography
        self.G = len(geo.codes)
        self.adj = geo.adjacency_array
        self.coop = geo.cooperation_array
        self.n = geo.agents_array.astype(float)
        self.neighbours = [list(np.flatnonzero(self.adj[g])) for g in range(self.G)]
        self.t = 0
        self.initiatives: list[Initiative] = []
        self.replicas: list[Replica] = []
        k = self.p.heterogeneity_shape
        for g in range(self.G):
            for i in range(int(self.n[g])):
                theta = self.random.gammavariate(k, 1.0 / k)
                self.initiatives.append(Initiative(self, g, theta, i < self.d.n_initial[g]))
        self.history: dict[str, list[float]] = {
            name: [] for name in ("active", "new", "failures", "funded", "reach", "replicas")
        }
        self.active_prev = self._active()

    def _active(self) -> np.ndarray:
        a = np.zeros(self.G)
        for agent in self.initiatives:
            a[agent.region] += agent.state == "active"
        for rep in self.replicas:
            a[rep.region] += rep.alive
        return a

    def _rate(self, g: int) -> float:
        a, p = self.active_prev, self.p
        own = a[g] / self.n[g] if self.n[g] else 0.0
        nb_den = self.adj[g] @ self.n
        nb = (self.adj[g] @ a) / nb_den if nb_den else 0.0
        co_den = self.coop[g] @ self.n
        co = (self.coop[g] @ a) / co_den if co_den else 0.0
        return (p.innovation_p + p.imitation_q * own + p.imitation_q * p.neighbour_weight * nb
                + self.d.cooperation_q * co)

    def _call(self) -> int:
        t, p, d, lv = self.t, self.p, self.d, self.spec.levers
        rho = p.quality_correlation
        applicants: list[list[tuple[float, float, float, Initiative]]] = [[] for _ in range(self.G)]
        for agent in self.initiatives:
            eligible = agent.state == "active" and agent.emerged < t and agent.funded_until <= t
            if eligible and self.random.random() < d.apply_probability:
                e = self.random.gauss(0, 1)
                s = rho * e + math.sqrt(1 - rho**2) * self.random.gauss(0, 1)
                score = (1 - lv.social_weight) * e + lv.social_weight * s + d.noise_sd * self.random.gauss(0, 1)
                applicants[agent.region].append((score, e, s, agent))
        funded = 0
        for g in range(self.G):
            best = sorted(applicants[g], key=lambda x: -x[0])[: d.slots_per_call[g]]
            for _, e, s, agent in best:
                funded += 1
                agent.funded_until = t + p.funding_months
                agent.grant_start = t
                agent.hazard = d.hazard_funded * min(max(1 - p.economic_effect * e, 0.0), 2.0)
                agent.extra_reach = p.reach_per_funded * max(0.0, 1 + p.reach_quality_effect * s)
                agent.may_scale = True
        return funded

    def step(self) -> None:
        t, p, d = self.t, self.p, self.d
        for agent in self.initiatives:
            if agent.state == "active" and agent.funded_until == t:
                agent.hazard = d.hazard_post
        funded = self._call() if t % d.call_interval == 0 else 0
        rates = [self._rate(g) for g in range(self.G)]
        new = failures = 0
        for agent in self.initiatives:
            if agent.state == "potential":
                if self.random.random() < 1 - math.exp(-agent.theta * rates[agent.region]):
                    agent.state, agent.emerged = "active", t
                    new += 1
            elif agent.state == "active" and self.random.random() < agent.hazard:
                agent.state = "failed"
                failures += 1
        for agent in self.initiatives:
            if (agent.state == "active" and agent.may_scale
                    and t - agent.grant_start < p.funding_months
                    and self.random.random() < d.scaling_rate):
                agent.may_scale = False
                if self.neighbours[agent.region]:
                    target = self.neighbours[agent.region][
                        int(self.random.random() * len(self.neighbours[agent.region]))]
                    self.replicas.append(Replica(self, int(target), t))
        for rep in self.replicas:
            if rep.alive and rep.created < t and self.random.random() < d.hazard_post:
                rep.alive = False
        active = self._active()
        extra = sum(a.extra_reach for a in self.initiatives
                    if a.state == "active" and a.funded_until > t)
        h = self.history
        h["active"].append(active.sum())
        h["new"].append(new)
        h["failures"].append(failures)
        h["funded"].append(funded)
        h["reach"].append(p.reach_per_active * active.sum() + extra)
        h["replicas"].append(sum(r.alive for r in self.replicas))
        self.active_prev = active
        self.t += 1


def run_reference(spec: RunSpec, seed: int) -> dict[str, np.ndarray]:
    model = Ecosystem(spec, seed)
    for _ in range(spec.horizon_months):
        model.step()
    return {name: np.asarray(values) for name, values in model.history.items()}
