"""The demo step sets up every funded project with three years of periods behind it."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from asis.impact import demo_setup
from tests.impact.helpers import make_project


def test_demo_sets_up_periods_targets_and_a_second_theory_version(world):
    project = make_project(world.org, world.users["project_holder"], title="Demo project")
    application = project.application
    application.logic_model = {"problem": "Isolation", "impact": "Villages stay alive", "indicators": [
        {"name": "Total number of participants", "unit": "persons", "baseline": "0", "target": "100"}]}
    application.save(update_fields=["logic_model"])
    summary = demo_setup.generate(rng=random.Random(1), size=None, progress=None)
    assert summary["monitored_projects"] == 1 and summary["theory_versions"] == 1
    periods = list(project.periods.order_by("number"))
    assert len(periods) == 4
    assert periods[0].starts_on <= timezone.localdate() - timedelta(days=3 * 365)
    assert periods[2].due_on < timezone.localdate()  # three reports can exist
    eeco = project.monitored_indicators.get(indicator__code="EECO01")
    assert eeco.baseline_value is not None and eeco.targets.filter(disaggregation="sex=female").exists()
    assert project.theories.count() == 2
    # Running it again adds nothing.
    assert demo_setup.generate(rng=random.Random(1), size=None, progress=None)["targets"] == 0
