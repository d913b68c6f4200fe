"""A funded project's monitoring set-up: periods, theory v1, key indicators, baselines and targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from asis.calls.models import Application, FundedProject
from asis.calls.results.decisions import funded_project_create
from asis.core.models import AuditEntry
from asis.impact import setup
from asis.impact.models import Indicator, Report, Target
from asis.observatory.models import Challenge
from tests.calls.helpers import make_application, make_call
from tests.impact.helpers import make_project, monitor


def test_schedule_is_yearly_from_the_start_and_due_thirty_days_later():
    periods = setup.reporting_schedule(date(2026, 3, 15), 30)
    assert [(p[1], p[2], p[3]) for p in periods] == [
        (date(2026, 3, 15), date(2027, 3, 14), date(2027, 4, 13)),
        (date(2027, 3, 15), date(2028, 3, 14), date(2028, 4, 13)),
        (date(2028, 3, 15), date(2028, 9, 14), date(2028, 10, 14)),
    ]
    with pytest.raises(ValueError):
        setup.reporting_schedule(date(2026, 1, 1), 0)


def _funded(world, *, logic_indicators, challenges=()):
    call = make_call(world.org, phase="decided", title="Care call")
    call.decision_on = date(2026, 2, 1)
    call.save(update_fields=["decision_on"])
    application = make_application(call, world.users["project_holder"], world.org, title="Village care",
                                   eligibility=Application.Eligibility.ELIGIBLE)
    application.logic_model = {"problem": "Older people are isolated", "activities": "Visits", "outputs": "Visits made",
                               "outcomes": "Less loneliness", "impact": "Older people stay in the valley",
                               "indicators": logic_indicators}
    application.budget_lines = [{"category": "staff", "description": "Carer", "amount": "30000"}]
    application.decision = Application.Decision.APPROVED
    application.granted_amount = Decimal("40000")
    application.save()
    application.challenges.set(Challenge.objects.filter(code__in=challenges))
    return call, application


def test_funding_sets_up_periods_theory_and_at_most_three_key_indicators(world, settings):
    settings.ASIS_IMPACT_DEFAULT_PROJECT_MONTHS = 24
    call, application = _funded(world, challenges=["ageing", "care-services"], logic_indicators=[
        {"name": "Total number of participants", "unit": "persons", "baseline": "0", "target": "120"},
        {"name": "Home visits to lonely neighbours", "unit": "visits", "baseline": "", "target": "400"},
    ])
    required = Indicator.objects.create(code="call-req", name="Meals delivered", unit="count", source="call",
                                        call=call)
    project = funded_project_create(actor=world.users["manager"], application=application)
    assert [(p.starts_on, p.due_on) for p in project.periods.all()] == [
        (date(2026, 2, 1), date(2027, 3, 2)), (date(2027, 2, 1), date(2028, 3, 1))]
    toc = project.theories.get()
    assert toc.version == 1 and toc.problem == "Older people are isolated" and "Carer" in toc.inputs
    assert toc.assumptions == ""
    monitored = list(project.monitored_indicators.select_related("indicator"))
    codes = [pi.indicator.code for pi in monitored]
    assert codes[0] == "call-req" and monitored[0].is_key  # the call's own indicator, required
    assert "EECO01" in codes  # matched by name to the library
    custom = Indicator.objects.get(name="Home visits to lonely neighbours")
    assert custom.status == "proposed" and custom.source == "custom"
    key = [pi for pi in monitored if pi.is_key and pi.indicator != required]
    assert len(key) == 3  # two from the logic model, one from the challenges
    eeco = project.monitored_indicators.get(indicator__code="EECO01")
    assert eeco.baseline_value == 0 and eeco.targets.get().value == Decimal("120")
    assert AuditEntry.objects.filter(action="asis.impact.monitoring.set_up").exists()
    # Running it again changes nothing.
    assert setup.project_monitoring_setup(actor=None, project=project)["indicators"] == 0
    assert required in [pi.indicator for pi in monitored]


def test_project_without_logic_model_indicators_gets_its_challenges_indicators(world):
    _call, application = _funded(world, challenges=["depopulation-urban-degradation"], logic_indicators=[])
    project = FundedProject.objects.create(application=application, grant=Decimal("1"))
    setup.project_monitoring_setup(actor=None, project=project)
    indicators = [pi.indicator for pi in project.monitored_indicators.all()]
    assert 1 <= len(indicators) <= 3 and all(i.source == "asis" for i in indicators)


@pytest.fixture
def women_target(world):
    project = make_project(world.org, world.users["project_holder"], title="Jobs", periods=2)
    pi = monitor(project, Indicator.objects.get(code="EECO01"))
    ratio = monitor(project, Indicator.objects.get(code="EECR04"), is_key=False)
    return project, pi, ratio


def test_holder_sets_baseline_and_a_target_for_women(world, women_target):
    project, pi, _ratio = women_target
    period = project.periods.get(number=1)
    url = reverse("impact:project_targets", args=[project.pk, pi.pk])
    response = world.client_for("project_holder").post(url, {
        "rows": "3", "baseline_value": "10", "baseline_date": "2025-01-01", "baseline_source": "Register",
        "t0-period": str(period.pk), "t0-breakdown": "", "t0-value": "50",
        "t1-period": str(period.pk), "t1-breakdown": "sex=female", "t1-value": "30"})
    assert response.status_code == 302
    pi.refresh_from_db()
    assert pi.baseline_value == 10 and pi.baseline_source == "Register"
    assert pi.targets.get(disaggregation="sex=female").value == 30
    page = world.client_for("project_holder").get(reverse("impact:project_setup", args=[project.pk])).content.decode()
    assert "Sex: women: 30" in page
    # No report validated yet: no audit entry for the change.
    assert not AuditEntry.objects.filter(action="asis.impact.targets.changed").exists()


@pytest.mark.parametrize(("row", "message"), [
    ({"t0-breakdown": "region=AT33"}, "Select a valid choice"),
    ({"t0-value": "-5"}, "outside the plausible range"),
])
def test_bad_targets_are_refused_and_nothing_is_saved(world, women_target, row, message):
    project, pi, _ratio = women_target
    Target.objects.create(project_indicator=pi, value=Decimal("7"))
    eeco = pi.indicator
    eeco.disaggregations = ["sex"]
    eeco.save(update_fields=["disaggregations"])
    data = {"rows": "3", "baseline_value": "11", "t0-period": "", "t0-breakdown": "", "t0-value": "20",
            "t1-period": "", "t1-breakdown": "sex=female", "t1-value": "8", **row}
    response = world.client_for("project_holder").post(reverse("impact:project_targets", args=[project.pk, pi.pk]),
                                                       data)
    assert response.status_code == 200
    assert message in response.content.decode() or any(
        message in str(e) for e in response.context["form"].errors.values())
    pi.refresh_from_db()
    assert pi.baseline_value is None and [t.value for t in pi.targets.all()] == [Decimal("7")]


def test_the_service_refuses_a_breakdown_the_indicator_does_not_allow(world, women_target):
    _project, pi, _ratio = women_target
    pi.indicator.disaggregations = ["sex"]
    pi.indicator.save(update_fields=["disaggregations"])
    with pytest.raises(setup.TargetsInvalid) as info:
        setup.targets_save(actor=None, project_indicator=pi, baseline=setup.Baseline(None, None, None, ""),
                           targets=[setup.TargetRow(None, "sex=female", Decimal("4")),
                                    setup.TargetRow(None, "region=AT33", Decimal("4"))])
    assert list(info.value.rows) == [1] and "does not allow a breakdown by Region" in info.value.rows[1]
    assert not pi.targets.exists()


def test_ratio_needs_a_denominator_above_zero_and_a_share_in_range(world, women_target):
    project, _pi, ratio = women_target
    base = {"rows": "3", "baseline_value": "5", "baseline_denominator": "0"}
    url = reverse("impact:project_targets", args=[project.pk, ratio.pk])
    response = world.client_for("project_holder").post(url, base)
    assert "The denominator must be greater than 0." in response.content.decode()
    response = world.client_for("project_holder").post(url, {**base, "baseline_denominator": "4"})
    assert "outside the plausible range" in response.content.decode()  # 5 of 4 is 125 %
    response = world.client_for("project_holder").post(url, {**base, "baseline_denominator": "20",
                                                             "t0-value": "10", "t0-denominator": "20"})
    assert response.status_code == 302
    ratio.refresh_from_db()
    assert ratio.baseline_denominator == 20 and ratio.targets.get().denominator == 20


def test_changes_after_a_validated_report_are_audited_with_before_and_after(world, women_target):
    project, pi, _ratio = women_target
    Report.objects.create(project=project, period=project.periods.get(number=1), status=Report.Status.VALIDATED)
    setup.targets_save(actor=world.users["manager"], project_indicator=pi,
                       baseline=setup.Baseline(Decimal("3"), None, None, ""),
                       targets=[setup.TargetRow(None, "", Decimal("9"))])
    entry = AuditEntry.objects.get(action="asis.impact.targets.changed")
    assert entry.before["baseline"] is None and entry.after["targets"][0]["value"] in ("9", "9.0000", 9)


def test_holder_adds_and_removes_non_key_indicators_but_not_key_ones(world, women_target):
    project, pi, ratio = women_target
    holder = world.client_for("project_holder")
    eeco8 = Indicator.objects.get(code="EECO08")
    assert holder.post(reverse("impact:project_indicator_add", args=[project.pk]),
                       {"indicator": eeco8.pk}).status_code == 302
    assert project.monitored_indicators.filter(indicator=eeco8, is_key=False).exists()
    holder.post(reverse("impact:project_indicator_remove", args=[project.pk, pi.pk]))
    assert project.monitored_indicators.filter(pk=pi.pk).exists()  # key: stays
    holder.post(reverse("impact:project_indicator_remove", args=[project.pk, ratio.pk]))
    assert not project.monitored_indicators.filter(pk=ratio.pk).exists()
    # A tampered id from another project is a 404.
    other = make_project(world.other_org, world.users["other_manager"], title="Other")
    theirs = monitor(other, Indicator.objects.get(code="EECO02"), is_key=False)
    assert holder.post(reverse("impact:project_indicator_remove", args=[project.pk, theirs.pk])).status_code == 404
