"""Demo SROI analysis: one impact map on a demo funded project, with a stored Monte Carlo run.

The values are illustrative (made up for the demo, not published proxies) and the analysis says
so in its title; the proxy library stays empty for authorities to fill with cited values.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from asis.calls.models import FundedProject
from asis.impact.models_sroi import SroiAnalysis
from asis.impact.sroi import services

DEMO_DRAWS = 20_000

ROWS = (
    {"stakeholder": "Older people living alone", "outcome": "Stay in their own home instead of moving to care",
     "quantity": "12", "duration_years": 3, "proxy_value": "6000", "deadweight": "0.25", "displacement": "0",
     "attribution": "0.30", "drop_off": "0.20",
     "ranges": {"deadweight": [0.10, 0.40], "quantity": [8, 16], "proxy_value": [4000, 9000]}},
    {"stakeholder": "Family carers", "outcome": "Less stress from caring",
     "quantity": "30", "duration_years": 2, "proxy_value": "900", "deadweight": "0.15", "displacement": "0",
     "attribution": "0.40", "drop_off": "0.50",
     "ranges": {"attribution": [0.20, 0.60], "drop_off": [0.30, 0.70]}},
    {"stakeholder": "Local volunteers", "outcome": "Regular volunteering",
     "quantity": "20", "duration_years": 1, "proxy_value": "500", "deadweight": "0.30", "displacement": "0.10",
     "attribution": "0.20", "drop_off": "0",
     "ranges": {"duration_years": [1, 3]}},
)


def sroi_demo_create(*, project: FundedProject, manager: Any, draws: int = DEMO_DRAWS, seed: int = 2026) -> SroiAnalysis:
    """The demo analysis of ``project`` as ``manager`` would build it, with one stored run."""
    title = f"SROI {project.application.reference} (demo, illustrative values)"
    analysis = services.sroi_create(actor=manager, project=project, title=title, report_year=2025,
                                    investment=project.grant)
    rows = [{**row, "project_indicator": None, "proxy": None,
             **{k: Decimal(row[k]) for k in ("quantity", "proxy_value", "deadweight", "displacement", "attribution",
                                             "drop_off")}} for row in ROWS]
    analysis = services.sroi_save(actor=manager, analysis=analysis, rows=rows, fields={
        "discount_rate": Decimal("0.035"), "discount_rate_low": Decimal("0.015"), "discount_rate_high": Decimal("0.06")})
    services.sroi_run(actor=manager, analysis=analysis, draws=draws, seed=seed)
    return analysis


def generate(*, rng: random.Random, size: Any, progress: Any) -> dict[str, int]:
    """One analysis on the first demo funded project (none when the demo funds no project yet)."""
    from asis.demo.generator import DEMO_DOMAIN

    project = (FundedProject.objects.filter(application__call__organisation__website__contains=DEMO_DOMAIN)
               .select_related("application__call__organisation").order_by("pk").first())
    if project is None or SroiAnalysis.objects.filter(project=project).exists():
        return {"sroi_analyses": 0}
    # The platform itself builds the demo analysis: an audit entry naming a demo manager would keep
    # that person from ever being deleted.
    sroi_demo_create(project=project, manager=None)
    return {"sroi_analyses": 1}


def clear() -> int:
    """Delete the demo analyses (before the demo calls and projects are cleared)."""
    from asis.demo.generator import DEMO_DOMAIN

    deleted, _ = SroiAnalysis.objects.filter(organisation__website__contains=DEMO_DOMAIN).delete()
    return deleted
