"""A project with two yearly periods (the first ended last month, the second running), a key
indicator broken down by sex and a percentage, and the world's project holder (German) as lead."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from asis.impact.models import ProjectIndicator
from tests.impact.helpers import make_indicator, make_project, monitor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Setup:
    project: Any
    ended: Any  # period 1: ended on the last day of last month
    running: Any  # period 2: started this month
    reached: ProjectIndicator  # key, persons, by sex, plausible up to 10,000
    share: ProjectIndicator  # percentage, not key


@pytest.fixture(name="setup")
def setup_fixture(world: Any) -> Setup:
    holder = world.users["project_holder"]
    holder.preferred_language = "de"
    holder.save(update_fields=["preferred_language"])
    today = timezone.localdate()
    start = today.replace(year=today.year - 1, day=1)
    project = make_project(world.org, holder, title="Dorfladen Ötztal", periods=2, start=start)
    application = project.application
    application.budget_lines = [{"category": "personnel", "description": "Coordinator", "amount": "30000"},
                                {"category": "travel", "description": "", "amount": "2000"}]
    application.save(update_fields=["budget_lines"])
    reached = monitor(project, make_indicator(name="Persons reached", unit="persons", disaggregations=["sex"],
                                              plausible_min=Decimal(0), plausible_max=Decimal(10000)), position=1)
    share = monitor(project, make_indicator(name="Participants in work", unit="percent", is_ratio=True,
                                            denominator_label="participants"), is_key=False, position=2)
    periods = list(project.periods.order_by("number"))
    return Setup(project, periods[0], periods[1], reached, share)


def form_data(s: Setup, **values: Any) -> dict[str, Any]:
    """A POST of the report form: ``total``, ``women``, ``men``, ``share_n``, ``share_d`` and the unit."""
    r, p = s.reached.pk, s.share.pk
    data = {f"u-{r}": values.get("unit", "persons"), f"v-{r}-total": values.get("total", "120"),
            f"v-{r}-sex-female": values.get("women", "70"), f"v-{r}-sex-male": values.get("men", "50"),
            f"u-{p}": "percent", f"v-{p}-total": values.get("share_n", ""), f"d-{p}-total": values.get("share_d", ""),
            "narrative": values.get("narrative", "We opened the shop."), "b-0": values.get("spent", "12000"),
            "r-0-risk": values.get("risk", ""), "r-0-likelihood": values.get("likelihood", ""),
            "r-0-mitigation": ""}
    if "extra" in values:
        data.update(values["extra"])
    return data
