"""Reminders before and after due dates (once per period and kind, whoever runs them), the late
flags, and the version comparison in the reader's language."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from asis.cli import main
from asis.core.formatting import long_date
from asis.impact import report_flags, reports
from asis.impact.models import Report, ReportValue, Target
from asis.impact.models_reports import ReportReminder
from asis.impact.reminders import reminders_send
from asis.impact.report_versions import diff
from tests.impact.helpers import make_project, monitor
from tests.impact.reports_fixtures import setup_fixture  # noqa: F401  (the "setup" fixture)

pytestmark = pytest.mark.django_db


def test_reminders_go_once_before_on_and_after_the_due_date(world, setup):
    s = setup
    due = s.ended.due_on
    assert reminders_send(today=due - timedelta(days=15)) == {"reminders": 0, "emails": 0}
    assert reminders_send(today=due - timedelta(days=14)) == {"reminders": 1, "emails": 1}
    assert reminders_send(today=due - timedelta(days=10)) == {"reminders": 0, "emails": 0}  # sent already
    assert reminders_send(today=due) == {"reminders": 1, "emails": 1}
    assert reminders_send(today=due) == {"reminders": 0, "emails": 0}
    assert reminders_send(today=due + timedelta(days=7)) == {"reminders": 1, "emails": 1}
    assert reminders_send(today=due + timedelta(days=8)) == {"reminders": 0, "emails": 0}
    assert list(ReportReminder.objects.filter(period=s.ended).values_list("kind", flat=True)) == [
        "due_soon", "due_today", "late"]
    assert [m.to for m in mail.outbox] == [["project_holder@example.org"]] * 3
    assert "Ihr ASIS-Team" in mail.outbox[0].body  # the German holder's language
    assert reverse("impact:report_edit", args=[s.project.pk, s.ended.pk]).replace("/en/", "/de/") in mail.outbox[0].body


def test_no_reminder_for_a_submitted_report_nor_stale_ones(world, setup):
    s = setup
    due = s.ended.due_on
    # a run missed until after the due date sends the late reminder only, never "due in two weeks"
    reminders_send(today=due + timedelta(days=9))
    assert list(ReportReminder.objects.values_list("kind", flat=True)) == ["late"]
    ReportReminder.objects.all().delete()
    Report.objects.create(project=s.project, period=s.ended, status=Report.Status.SUBMITTED)
    assert reminders_send(today=due + timedelta(days=7)) == {"reminders": 0, "emails": 0}


def test_the_cli_command_runs_the_same_reminders(world, setup, capsys):
    s = setup
    today = (s.ended.due_on - timedelta(days=14)).isoformat()
    assert main(["impact", "remind", "--today", today]) == 0
    assert main(["impact", "remind", "--today", today]) == 0
    assert ReportReminder.objects.count() == 1 and len(mail.outbox) == 1
    assert main(["impact", "remind", "--today", "yesterday"]) == 2
    assert "1 reminder(s) due, 1 e-mail(s) sent." in capsys.readouterr().out


def test_reminders_appear_in_the_notification_centre(world, setup):
    s = setup
    reminders_send(today=s.ended.due_on + timedelta(days=7))
    page = world.client_for("project_holder").get(reverse("dashboard:notifications")).content.decode()
    reference = s.project.application.reference
    assert f"The report for period 1 of {reference} is late" in page


def test_late_flags_count_the_days(world, setup):
    s = setup
    due = s.ended.due_on
    flags = report_flags.late_flags([s.ended, s.running], today=due + timedelta(days=3))
    assert [f.text for f in flags] == [f"The report for period 1 is 3 days late (it was due on {long_date(due)})."]
    report = Report.objects.create(project=s.project, period=s.ended)
    reports.report_save(actor=None, report=report, values=[{"indicator": s.reached.pk, "value": "5"}])
    reports.report_submit(actor=world.users["project_holder"], report=report)
    report.events.update(created_at=timezone.make_aware(datetime.combine(due + timedelta(days=5), time(12))))
    s.ended.refresh_from_db()
    flags = report_flags.late_flags([s.ended], today=due + timedelta(days=30))
    assert [f.text for f in flags] == [
        f"The report for period 1 was submitted 5 days after its due date ({long_date(due)})."]


def test_version_comparison_speaks_the_readers_language(world, setup):
    s = setup
    report = Report.objects.create(project=s.project, period=s.ended)
    before = {"values": [{"indicator": s.reached.pk, "disaggregation": "", "value": "1200.5", "unit": "persons"}],
              "budget": [{"line": 0, "amount": "1000.00"}], "narrative": "", "risks": [], "evidence": []}
    after = {"values": [{"indicator": s.reached.pk, "disaggregation": "", "value": "1300", "unit": "persons"},
                        {"indicator": s.share.pk, "disaggregation": "", "value": "3", "denominator": "4",
                         "unit": "percent"}],
             "budget": [{"line": 0, "amount": "1500.00"}], "narrative": "Neu", "risks": [], "evidence": []}
    with translation.override("de"):
        rows = diff(before, after, report=report)
    text = " | ".join(f"{r['item']}: {r['before']} -> {r['after']}" for r in rows)
    assert "Persons reached, Summe: 1.200,5" in text and "1.300" in text
    assert "1.500,00\u00a0EUR" in text and "Coordinator" in text
    assert str(s.reached.pk) not in [r["item"] for r in rows]
    assert "sex=" not in text


def _submitted(s, period, total, *, status=Report.Status.VALIDATED, project=None, pi=None):
    report = Report.objects.create(project=project or s.project, period=period, status=status, version=1)
    ReportValue.objects.create(report=report, project_indicator=pi or s.reached, value=Decimal(total), unit="persons")
    return report


def test_off_track_against_the_path_from_baseline_to_target(world, setup):
    s = setup
    Target.objects.create(project_indicator=s.reached, period=None, value=Decimal(1000))
    # per-period values add up: 200 after the first of two periods, where the path expects about 500
    _submitted(s, s.ended, "200")
    texts = [f.text for f in report_flags.project_flags(s.project) if f.kind == "off_track"]
    assert len(texts) == 1
    assert texts[0].startswith("Persons reached is off track: 200 persons by the end of period 1")
    assert "of the expected progress is missing" in texts[0]
    # on the path: no flag
    ReportValue.objects.filter(report__period=s.ended).update(value=Decimal(480))
    assert not [f for f in report_flags.project_flags(s.project) if f.kind == "off_track"]


def test_outlier_against_the_calls_other_projects(world, setup):
    s = setup
    call = s.project.application.call
    indicator = s.reached.indicator
    for n, total in enumerate(("100", "110", "95", "105", "98")):
        peer = make_project(world.org, world.users["project_holder"], title=f"Peer {n}", periods=1,
                            start=s.ended.starts_on)
        peer.application.call = call
        peer.application.save(update_fields=["call"])
        _submitted(s, peer.periods.get(), total, project=peer, pi=monitor(peer, indicator))
    _submitted(s, s.ended, "900")
    texts = [f.text for f in report_flags.project_flags(s.project) if f.kind == "outlier"]
    assert texts == ["Persons reached: 900 persons in period 1 is far from the call's other projects "
                     "(their median: 102.5 persons, 6 projects compared)."]
    with translation.override("de"):
        german = [f.text for f in report_flags.project_flags(s.project) if f.kind == "outlier"]
    assert "102,5" in german[0]  # the reader's decimal mark


def test_the_workers_hook_runs_once_a_day(world, setup, monkeypatch):
    from asis.impact import reminders

    s = setup
    monkeypatch.setattr(reminders, "_last_day", [])
    monkeypatch.setattr(reminders.timezone, "localdate", lambda *a: s.ended.due_on)
    reminders.reminders_due()
    assert list(ReportReminder.objects.values_list("kind", flat=True)) == ["due_today"]
    ReportReminder.objects.all().delete()
    reminders.reminders_due()  # the same day again: not even looked at
    assert not ReportReminder.objects.exists()
