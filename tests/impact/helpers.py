"""Builders for impact tests: a funded project with indicators, periods and reports."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from asis.accounts.models import Organisation
from asis.calls.models import Application, FundedProject
from asis.impact.models import Indicator, ProjectIndicator, ReportingPeriod
from tests.calls.helpers import make_application, make_call

_codes = itertools.count(1)


def make_indicator(*, code: str | None = None, name: str = "Persons reached", unit: str = "persons",
                   **fields: Any) -> Indicator:
    return Indicator.objects.create(code=code or f"test-indicator-{next(_codes)}", name=name, unit=unit, **fields)


def make_project(organisation: Organisation, holder: Any, *, funder: Organisation | None = None,
                 title: str | None = None, grant: Decimal = Decimal("40000"), periods: int = 0,
                 start: date | None = None) -> FundedProject:
    """A funded project of ``organisation`` (lead applicant ``holder``) in a decided call of ``funder``
    (default: the same organisation), with ``periods`` yearly reporting periods from ``start``."""
    call = make_call(funder or organisation, phase="decided", title="Impact test call")
    application = make_application(call, holder, organisation, title=title,
                                   eligibility=Application.Eligibility.ELIGIBLE)
    application.decision = Application.Decision.APPROVED
    application.granted_amount = grant
    application.save(update_fields=["decision", "granted_amount"])
    project = FundedProject.objects.create(application=application, grant=grant)
    begin = start or date(2025, 1, 1)
    for n in range(1, periods + 1):
        starts = date(begin.year + n - 1, begin.month, 1)
        ends = date(starts.year + 1, starts.month, 1) - timedelta(days=1)
        ReportingPeriod.objects.create(project=project, number=n, starts_on=starts, ends_on=ends,
                                       due_on=ends + timedelta(days=30))
    return project


def monitor(project: FundedProject, indicator: Indicator, **fields: Any) -> ProjectIndicator:
    return ProjectIndicator.objects.create(project=project, indicator=indicator, **fields)
