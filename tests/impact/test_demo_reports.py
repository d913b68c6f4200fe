"""The demo's reports: nothing without indicators; with them a mix of validated, waiting, returned
and late reports, written through the workflow's services and without e-mails."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from asis.impact import demo_reports
from asis.impact.models import Report, ReportEvent, Target
from tests.impact.helpers import make_indicator, make_project, monitor

pytestmark = pytest.mark.django_db


def test_no_setup_no_reports(world):
    make_project(world.org, world.users["project_holder"], periods=3)  # periods, but no indicator
    assert demo_reports.generate(rng=random.Random(1), size=None, progress=None)["impact_reports"] == 0
    assert not Report.objects.exists()


def test_three_years_of_reports_with_the_mix_the_demo_needs(world):
    today = timezone.localdate()
    start = (today - timedelta(days=4 * 365)).replace(day=1)
    people = make_indicator(name="Persons reached", unit="persons", disaggregations=["sex"],
                            plausible_min=Decimal(0), plausible_max=Decimal(5000))
    share = make_indicator(name="Share in work", unit="percent", is_ratio=True)
    for n in range(8):
        project = make_project(world.org, world.users["project_holder"], title=f"Demo {n}", periods=5, start=start)
        project.application.budget_lines = [{"category": "personnel", "description": "", "amount": "20000"}]
        project.application.save(update_fields=["budget_lines"])
        key = monitor(project, people, baseline_value=Decimal(10))
        monitor(project, share, is_key=False)
        Target.objects.create(project_indicator=key, period=None, value=Decimal(400))
    summary = demo_reports.generate(rng=random.Random(7), size=None, progress=None)
    reports = Report.objects.all()
    assert summary["impact_reports"] == reports.count() > 0
    assert not reports.filter(period__ends_on__gte=today).exists()
    assert not reports.filter(period__ends_on__lt=today - timedelta(days=3 * 365 + 1)).exists()
    statuses = set(reports.values_list("status", flat=True))
    assert {"validated", "submitted", "returned"} <= statuses
    assert reports.filter(status="returned").count() == 1
    assert summary["impact_reports_late"] > 0
    late = [r for r in reports if r.submitted_at and timezone.localdate(r.submitted_at) > r.period.due_on]
    assert len(late) == summary["impact_reports_late"]
    assert ReportEvent.objects.filter(action="validated").count() == summary["impact_reports_validated"]
    assert mail.outbox == []
    # run again: nothing doubles
    again = demo_reports.generate(rng=random.Random(7), size=None, progress=None)
    assert again["impact_reports"] == 0 and Report.objects.count() == summary["impact_reports"]
