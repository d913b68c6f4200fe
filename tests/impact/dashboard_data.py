"""Builders for dashboard tests: validated (or not) reports with values, made directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from asis.calls.models import FundedProject
from asis.impact.models import ProjectIndicator, Report, ReportValue


def report(project: FundedProject, number: int, *, status: str = Report.Status.VALIDATED,
           budget: list[dict[str, Any]] | None = None) -> Report:
    period = project.periods.get(number=number)
    found = Report.objects.filter(period=period).first()
    if found:
        return found
    return Report.objects.create(project=project, period=period, status=status, budget_spent=budget or [])


def value(project: FundedProject, monitored: ProjectIndicator, number: int, amount: float | str, *,
          denominator: float | str | None = None, unit: str | None = None, disaggregation: str = "",
          status: str = Report.Status.VALIDATED) -> ReportValue:
    return ReportValue.objects.create(
        report=report(project, number, status=status), project_indicator=monitored, disaggregation=disaggregation,
        value=Decimal(str(amount)), denominator=None if denominator is None else Decimal(str(denominator)),
        unit=unit or monitored.indicator.unit)
