"""Demo step: the monitoring set-up of every demo funded project.

Runs after the calls demo (``asis.impact.demo_setup`` in DEMO_STEPS, before the reports, SROI and
counterfactual demos). Each project's periods start about three years before today and run for
four years, so that three yearly reports can exist; its key indicators get a baseline, a target per
period (and one for women where the indicator breaks down by sex), and its theory of change a
second version."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from asis.calls.models import FundedProject
from asis.impact import setup, theory
from asis.impact.models import ReportingPeriod

DEMO_MONTHS = 48


def _baseline(pi: Any, rng: random.Random) -> tuple[Decimal, Decimal | None, list[Decimal]]:
    """A baseline and rising yearly targets in the indicator's unit (ratios as numerator/denominator)."""
    indicator = pi.indicator
    if indicator.is_ratio:
        return Decimal(rng.randint(10, 30)), Decimal(100), [Decimal(30 + 10 * n) for n in range(4)]
    low = rng.randint(0, 20)
    step = rng.randint(10, 60)
    high = indicator.plausible_max if indicator.plausible_max is not None else Decimal("1e9")
    return Decimal(low), None, [min(Decimal(low + step * (n + 1)), high) for n in range(4)]


def generate(*, rng: random.Random, size: Any, progress: Any) -> dict[str, int]:
    projects = list(FundedProject.objects.select_related("application__call", "application__organisation")
                    .order_by("pk"))
    task = progress.add_task("Monitoring set-up", total=len(projects)) if progress is not None and projects else None
    summary = {"monitored_projects": 0, "targets": 0, "theory_versions": 0}
    today = timezone.localdate()
    for project in projects:
        # Three whole periods and their 30 days to report lie behind today.
        start = today - timedelta(days=3 * 366 + setup.DUE_AFTER_DAYS + 5 + rng.randint(0, 60))
        if not project.periods.exists():
            for number, starts, ends, due in setup.reporting_schedule(start, DEMO_MONTHS):
                ReportingPeriod.objects.create(project=project, number=number, starts_on=starts, ends_on=ends,
                                               due_on=due)
        setup.project_monitoring_setup(actor=None, project=project, start=start)
        periods = list(project.periods.order_by("number"))
        for pi in project.monitored_indicators.select_related("indicator").filter(is_key=True):
            if pi.targets.filter(period__isnull=False).exists():
                continue
            base, denominator, targets = _baseline(pi, rng)
            rows = [setup.TargetRow(p.pk, "", targets[min(i, 3)], denominator) for i, p in enumerate(periods)]
            # The end-of-project target the application gave stays.
            rows += [setup.TargetRow(None, t.disaggregation, t.value, t.denominator) for t in pi.targets.all()
                     if t.disaggregation != "sex=female"]
            if "sex" in (pi.indicator.disaggregations or []) and not pi.indicator.is_ratio:
                rows.append(setup.TargetRow(None, "sex=female", (targets[-1] * Decimal("0.55")).quantize(Decimal(1))))
            setup.targets_save(actor=None, project_indicator=pi,
                               baseline=setup.Baseline(base, denominator, start - timedelta(days=30),
                                                       "Demo baseline survey"),
                               targets=rows)
            summary["targets"] += len(rows)
        current = theory.current_theory(project)
        if current is not None and current.version == 1 and current.problem and current.impact:
            texts = {f: getattr(current, f) for f in theory.TheoryOfChange.FIELDS}
            texts["assumptions"] = texts["assumptions"] or "Volunteers and the municipality stay involved."
            theory.theory_save(actor=None, project=project, texts=texts,
                               note="Assumptions added after the first year's review.")
            summary["theory_versions"] += 1
        summary["monitored_projects"] += 1
        if task is not None:
            progress.advance(task)
    return summary
