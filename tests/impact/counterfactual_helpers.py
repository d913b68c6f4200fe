"""Builders for counterfactual tests: a small regional panel with a known effect, and a study."""

from __future__ import annotations

from typing import Any

import numpy as np

from asis.impact.counterfactual import services
from asis.impact.models_counterfactual import CounterfactualPanel, CounterfactualStudy

REGIONS = ["Tirol", "Vorarlberg", "Salzburg", "Kärnten", "Bolzano", "Trento", "Ticino", "Valais",
           "Oberbayern", "Schwaben"]


def panel_csv(*, effect: float = 3.0, treated: int = 3, years: range = range(2015, 2025),
              start: int = 2020, seed: int = 2, covariate: bool = True) -> str:
    rng = np.random.default_rng(seed)
    lines = ["unit,period,outcome" + (",population" if covariate else "")]
    for i, region in enumerate(REGIONS):
        level = 55 + 2 * i
        for t, year in enumerate(years):
            y = level + 0.4 * t + rng.normal(0, 0.3) + (effect if i < treated and year >= start else 0)
            lines.append(f"{region},{year},{y:.3f}" + (f",{500 + 40 * i + t}" if covariate else ""))
    return "\n".join(lines) + "\n"


def make_panel(organisation: Any, actor: Any, **kwargs: Any) -> CounterfactualPanel:
    return services.panel_import_csv(actor=actor, organisation=organisation, name="Employment rate panel",
                                     outcome_label="Employment rate (%)", text=panel_csv(**kwargs))


def make_study(panel: CounterfactualPanel, actor: Any, *, name: str = "Care policy", method: str = "did",
               treated: int = 3, start: int = 2020, run: bool = True) -> CounterfactualStudy:
    study = services.study_create(actor=actor, panel=panel, name=name, method=method,
                                  treated=REGIONS[:treated], comparison=REGIONS[treated:],
                                  treatment_start=start, start_job=False)
    if run:
        study = services.study_run(actor=actor, study=study)
    return study
