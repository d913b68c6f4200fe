"""Demo data: a regional panel over the programme's 42 regions and ten years (2015-2024) with a
care policy in eight regions from 2020, and one saved difference-in-differences study with its
result. Generated, not observed: the outcome is plausible (women's employment rate, %), the effect
is known (+2.0 points), so a DiD and a synthetic control on it can be checked by eye."""

from __future__ import annotations

from typing import Any

import numpy as np

from asis.accounts.models import Membership, Organisation, Role
from asis.impact.counterfactual import services
from asis.impact.models_counterfactual import CounterfactualPanel, CounterfactualStudy
from asis.regions.models import Region

YEARS = range(2015, 2025)
START = 2020
EFFECT = 2.0
SEED = 2026
PANEL_NAME = "Women's employment rate in the Alpine regions (demo)"
OUTCOME = "Employment rate of women aged 20-64 (%)"


def treated_regions(names: list[str]) -> list[str]:
    """Every fifth region, from the third: eight of 42, spread across the countries."""
    return names[2::5]


def demo_panel_csv(names: list[str]) -> str:
    rng = np.random.default_rng(SEED)
    treated = set(treated_regions(names))
    common = np.cumsum(rng.normal(0.4, 0.3, len(YEARS)))
    lines = ["unit,period,outcome,population_thousands"]
    for name in names:
        level = rng.uniform(62, 76)
        population = rng.uniform(150, 2500)
        for t, year in enumerate(YEARS):
            y = level + common[t] + rng.normal(0, 0.35)
            if name in treated and year >= START:
                y += EFFECT
            lines.append(f"{name},{year},{y:.2f},{population * (1 + 0.004 * t):.0f}")
    return "\n".join(lines) + "\n"


def demo_panel(organisation: Organisation, actor: Any) -> CounterfactualPanel:
    names = [r.name for r in Region.objects.order_by("code")]
    return services.panel_import_csv(actor=actor, organisation=organisation, name=PANEL_NAME,
                                     outcome_label=OUTCOME, text=demo_panel_csv(names),
                                     source=CounterfactualPanel.Source.DEMO,
                                     source_note="asis demo")


def demo_study(panel: CounterfactualPanel, actor: Any) -> CounterfactualStudy:
    units = services.panel_units(panel)
    treated = treated_regions([r.name for r in Region.objects.order_by("code")])
    study = services.study_create(actor=actor, panel=panel, name="Care allowance 2020 (demo)",
                                  method=CounterfactualStudy.Method.DID, treated=treated,
                                  comparison=[u for u in units if u not in treated],
                                  treatment_start=START, start_job=False)
    return services.study_run(actor=actor, study=study)


def generate(*, rng: Any, size: Any, progress: Any) -> dict[str, int]:
    membership = (Membership.objects.filter(role=Role.PROGRAMME_MANAGER).select_related("user", "organisation")
                  .order_by("user_id").first())
    if membership is None:
        return {"counterfactual_panels": 0}
    # No actor: demo data are the platform's, and an audit entry naming a demo user would keep that
    # user from ever being deleted (the audit log protects its actors).
    panel = demo_panel(membership.organisation, None)
    demo_study(panel, None)
    return {"counterfactual_panels": 1, "counterfactual_studies": 1}
