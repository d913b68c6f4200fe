"""The learning-loop page: signals per criterion from validated results, and applying the
suggested weights to a draft call (audited, never silently, never below the minimum)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asis.calls.models import Application, FundedProject, ResultSet
from asis.core.models import AuditEntry
from asis.engines.grids import load_builtin
from asis.impact import learning
from asis.impact.models import Report, ReportingPeriod, ReportValue, Target
from tests.calls.helpers import make_application, make_call
from tests.impact.helpers import make_indicator, monitor

# The worked example of docs/methods/learning-loop.md: rho = 0.7902, interval [0.313, 0.949].
OUTCOME = [0.42, 0.95, 0.61, 1.10, 0.30, 0.78, 0.55, 1.25, 0.88, 0.47, 0.70, 1.02]
NEWNESS = [3.0, 4.5, 2.5, 5.0, 2.0, 3.5, 4.2, 4.0, 3.8, 2.8, 3.2, 4.8]


def funded_call(org, holder, *, validated: int = 12, title: str = "Learning call"):
    """A decided call of ``org`` with 12 funded projects, their ex-ante scores (newness varies,
    the other criteria do not) and one report each, ``validated`` of them validated."""
    call = make_call(org, phase="decided", title=title)
    grid = load_builtin("asis").to_dict()
    indicator = make_indicator(name="Persons reached")
    rows = []
    for i, (outcome, newness) in enumerate(zip(OUTCOME, NEWNESS, strict=True)):
        application = make_application(call, holder, org, title=f"Project {i + 1}",
                                       eligibility=Application.Eligibility.ELIGIBLE)
        project = FundedProject.objects.create(application=application, grant=Decimal("40000"))
        pi = monitor(project, indicator, baseline_value=Decimal("0"), baseline_date=date(2025, 1, 1))
        Target.objects.create(project_indicator=pi, value=Decimal("100"))
        period = ReportingPeriod.objects.create(project=project, number=1, starts_on=date(2025, 1, 1),
                                                ends_on=date(2025, 12, 31), due_on=date(2026, 1, 31))
        status = Report.Status.VALIDATED if i < validated else Report.Status.SUBMITTED
        report = Report.objects.create(project=project, period=period, status=status)
        ReportValue.objects.create(report=report, project_indicator=pi, value=Decimal(str(outcome * 100)),
                                   unit="persons")
        scores = {c["id"]: 3.0 for c in grid["criteria"]}
        scores["newness"] = newness
        rows.append({"id": application.pk, "criterion_scores": scores})
    ResultSet.objects.create(call=call, data={
        "applications": rows,
        "criteria": [{"id": c["id"], "weight": c["weight"], "label": c["label"]} for c in grid["criteria"]],
    })
    return call


def test_signals_and_suggestion(world):
    data = learning.call_learning(funded_call(world.org, world.users["project_holder"]))
    assert data.has_results and data.n_projects == 12
    rows = {row.id: row for row in data.rows}
    assert rows["newness"].signal.rho == pytest.approx(1 - 360 / 1716)
    assert (round(rows["newness"].signal.ci_low, 3), round(rows["newness"].signal.ci_high, 3)) == (0.313, 0.949)
    assert rows["social_need"].signal.reason == "no_variation"
    assert data.suggestion.refused is None
    assert sum(data.suggestion.weights.values()) == pytest.approx(100.0)
    # newness x (1 + 0.5 x 0.3128), the others keep their ratios
    assert rows["newness"].change > 0.1
    assert rows["social_need"].suggested / rows["co_creation"].suggested == pytest.approx(15 / 12)


def test_only_validated_results_count_and_no_suggestion_below_the_minimum(world, client):
    call = funded_call(world.org, world.users["project_holder"], validated=9)
    data = learning.call_learning(call)
    assert data.n_projects == 9
    assert data.suggestion.refused.code == "too_few_projects"
    assert all(row.suggested is None for row in data.rows)
    client.force_login(world.users["manager"])
    page = client.get(reverse("impact:call_learning", args=[call.pk]))
    assert page.status_code == 200
    assert "No suggestion: 9 projects have both ex-ante scores and validated results" in page.content.decode()
    assert b"Apply the suggested weights" not in page.content
    with pytest.raises(ValidationError):
        learning.learning_weights_apply(actor=world.users["manager"], source=call,
                                        target=make_call(world.org, phase="draft", title="Next call"))


def test_page_without_results(world, client):
    call = make_call(world.org, phase="decided", title="Nothing computed")
    client.force_login(world.users["manager"])
    page = client.get(reverse("impact:call_learning", args=[call.pk]))
    assert "This call has no computed results yet" in page.content.decode()


def test_manager_applies_the_suggestion_to_a_draft_call(world, client):
    call = funded_call(world.org, world.users["project_holder"])
    draft = make_call(world.org, phase="draft", title="Next call")
    before = {c["id"]: c["weight"] for c in draft.grid["criteria"]}
    client.force_login(world.users["manager"])
    page = client.get(reverse("impact:call_learning", args=[call.pk]))
    assert b"Apply the suggested weights" in page.content and b"Next call" in page.content
    response = client.post(reverse("impact:call_learning", args=[call.pk]), {"target": draft.pk})
    assert response.status_code == 302
    draft.refresh_from_db()
    after = {c["id"]: c["weight"] for c in draft.grid["criteria"]}
    assert sum(after.values()) == pytest.approx(100.0)
    assert after["newness"] > before["newness"]
    assert after["social_need"] / after["co_creation"] == pytest.approx(15 / 12, rel=1e-2)
    entry = AuditEntry.objects.get(action="asis.impact.learning.weights_applied")
    assert entry.object_id == str(draft.pk) and entry.organisation_id == world.org.pk
    assert entry.before["weights"]["newness"] == before["newness"]
    assert entry.after["weights"]["newness"] == after["newness"] and entry.after["source_call"] == call.pk
    assert AuditEntry.objects.filter(action="asis.call.changed", object_id=str(draft.pk)).exists()


def test_a_call_of_another_organisation_cannot_be_targeted(world, client):
    call = funded_call(world.org, world.users["project_holder"])
    theirs = make_call(world.other_org, phase="draft", title="Their call")
    published = make_call(world.org, phase="open", title="Open call")
    grids = {c.pk: c.grid for c in (theirs, published)}
    client.force_login(world.users["manager"])
    for target in (theirs, published):
        response = client.post(reverse("impact:call_learning", args=[call.pk]), {"target": target.pk})
        assert response.status_code == 200, response.content.decode()[-3000:]
        assert "Select a valid choice" in response.content.decode()
        target.refresh_from_db()
        assert target.grid == grids[target.pk]
        with pytest.raises(ValidationError):
            learning.learning_weights_apply(actor=world.users["manager"], source=call, target=target)
    assert not AuditEntry.objects.filter(action="asis.impact.learning.weights_applied").exists()


def test_a_grid_without_shared_criteria_is_refused(world, client):
    call = funded_call(world.org, world.users["project_holder"])
    grid = load_builtin("asis").to_dict()
    for criterion in grid["criteria"]:
        criterion["id"] = "x_" + criterion["id"]
    draft = make_call(world.org, phase="draft", title="Other grid", grid=grid)
    with pytest.raises(ValidationError) as err:
        learning.learning_weights_apply(actor=world.users["manager"], source=call, target=draft)
    assert "none of the criteria" in str(err.value)
    client.force_login(world.users["manager"])
    page = client.post(reverse("impact:call_learning", args=[call.pk]), {"target": draft.pk})
    assert page.status_code == 200 and "none of the criteria" in page.content.decode()
    draft.refresh_from_db()
    assert draft.grid == grid
