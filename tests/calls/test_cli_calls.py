"""``asis calls``: the same services as the web pages, for the call's managers only."""

from __future__ import annotations

from asis.calls.models import Application, Assignment, ResultSet
from asis.cli import main
from asis.core.models import AuditEntry
from tests.calls.helpers import make_application, make_call, make_evaluator
from tests.calls.results_fixtures import scored_call
from tests.calls.review_fixtures import evaluator_user
from tests.conftest import make_org


def test_list_assign_and_results(world, capsys):
    call = make_call(world.org, phase="evaluation", evaluators_per_application=2, title="CLI call")
    lead = make_org("CLI association", "FRK2")
    for _ in range(4):
        make_application(call, world.users["project_holder"], lead, eligibility=Application.Eligibility.ELIGIBLE)
    for n in range(3):
        make_evaluator(call, evaluator_user(f"cli-ev{n}@example.org"))

    assert main(["calls", "list"]) == 0
    assert "CLI call" in capsys.readouterr().out

    assert main(["calls", "assign", str(call.pk), "--as", "manager@example.org"]) == 0
    assert Assignment.objects.filter(application__call=call).count() == 8
    entry = AuditEntry.objects.filter(action="asis.assignment.created").get()
    assert entry.actor == world.users["manager"]

    scored, _apps, _e = scored_call(world, [[4, 4], [3, 5]], smaa_draws=0)
    assert main(["calls", "results", str(scored.pk), "--as", "manager@example.org"]) == 0
    assert ResultSet.objects.filter(call=scored).count() == 1
    assert "applications ranked: 2" in capsys.readouterr().out


def test_only_the_calls_managers_may_run_it(world, capsys):
    call = make_call(world.org, phase="evaluation")
    assert main(["calls", "assign", str(call.pk), "--as", "other_manager@example.org"]) == 2
    assert main(["calls", "results", str(call.pk), "--as", "nobody@example.org"]) == 2
    assert "does not manage" in capsys.readouterr().out
    assert not AuditEntry.objects.filter(action__startswith="asis.assignment").exists()


def test_an_impossible_assignment_is_a_clear_error(world, capsys):
    call = make_call(world.org, phase="evaluation", evaluators_per_application=3)
    make_application(call, world.users["project_holder"], world.org, eligibility=Application.Eligibility.ELIGIBLE)
    make_evaluator(call, evaluator_user("only-one@example.org"))
    assert main(["calls", "assign", str(call.pk), "--as", "manager@example.org"]) == 1
    assert not Assignment.objects.exists()
