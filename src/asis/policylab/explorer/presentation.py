"""Scenarios in words: levers with the reader's numbers, and a run's progress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.core.formatting import money, number, percent
from asis.policylab import adapters, runs
from asis.policylab.messages import field_name
from asis.policylab.models import SimulationRun


def lever_rows(levers: dict[str, Any]) -> list[tuple[str, str]]:
    """(lever, value in words) for a scenario's levers."""
    lv = {**adapters.default_levers(), **(levers or {})}
    split = lv.get("regional_split")
    if not split:
        split_text = _("In proportion to potential initiatives")
    else:
        shares = [float(v) for v in split.values()]
        if len(shares) == len(adapters.region_codes()) and max(shares) - min(shares) < 1e-9:
            split_text = _("Equal per region")
        else:
            top = sorted(split.items(), key=lambda kv: -float(kv[1]))[:3]
            funded = sum(1 for v in shares if v > 0)
            split_text = ngettext("Custom shares: %(count)s region receives funding (largest: %(top)s)",
                                  "Custom shares: %(count)s regions receive funding (largest: %(top)s)",
                                  funded) % {"count": number(funded),
                                             "top": ", ".join(f"{code} {percent(float(v), 1)}" for code, v in top)}
    return [
        (field_name("budget_eur_per_year"), money(lv["budget_eur_per_year"], decimals=0)),
        (field_name("regional_split"), split_text),
        (field_name("social_weight"), percent(float(lv["social_weight"]))),
        (field_name("training_intensity"), percent(float(lv["training_intensity"]))),
        (field_name("cooperation_support"), percent(float(lv["cooperation_support"]))),
        (field_name("cofunding_rate"), percent(float(lv["cofunding_rate"]))),
        (field_name("calls_per_year"), number(int(lv["calls_per_year"]))),
    ]


def run_progress_of(run: SimulationRun) -> dict[str, Any]:
    """``runs.run_progress(run)``: the figures of the progress bar and its message in words."""
    return runs.run_progress(run)
