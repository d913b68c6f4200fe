"""Assignment services and pages: automatic (inline and as a job), manual add/remove, conflicts."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from asis.calls.models import Application, Assignment, ConflictOfInterest, Evaluator, Notification
from asis.calls.review import assignment as asg
from asis.core.models import AuditEntry, Job
from tests.calls.helpers import assign, make_application, make_call, make_evaluator, score_review
from tests.calls.review_fixtures import evaluator_user
from tests.conftest import make_org

pytestmark = pytest.mark.django_db


def _call_with(world, *, apps=6, evaluators=4, k=2, eligibility=Application.Eligibility.ELIGIBLE):
    call = make_call(world.org, phase="evaluation", evaluators_per_application=k, title="Assignment call")
    lead = make_org("Lead association", "FRK2")
    applications = [make_application(call, world.users["project_holder"], lead, eligibility=eligibility)
                    for _ in range(apps)]
    people = [make_evaluator(call, evaluator_user(f"ev{n}@example.org")) for n in range(evaluators)]
    return call, applications, people


def _url(call):
    return reverse("calls:manage_assignments", kwargs={"call_id": call.pk})


def test_nothing_screened_says_so(world):
    call, _apps, _people = _call_with(world, eligibility=Application.Eligibility.PENDING)
    client = world.client_for("manager")
    page = client.get(_url(call)).content.decode()
    assert "No application has been screened for eligibility yet" in page
    response = client.post(_url(call), follow=True)
    assert "No application has been screened" in response.content.decode()
    assert not Assignment.objects.exists()


def test_automatic_assignment_balanced_avoids_conflicts_and_notifies(world):
    call, apps, people = _call_with(world)
    ConflictOfInterest.objects.create(evaluator=people[0], application=apps[0],
                                      type=ConflictOfInterest.Type.DECLARED, note="cousin")
    ineligible = make_application(call, world.users["project_holder"], apps[0].organisation,
                                  eligibility=Application.Eligibility.INELIGIBLE)
    response = world.client_for("manager").post(_url(call))
    assert response.status_code == 302
    per_app = Counter(Assignment.objects.values_list("application_id", flat=True))
    assert all(per_app[a.pk] == 2 for a in apps)
    assert ineligible.pk not in per_app
    assert not Assignment.objects.filter(evaluator=people[0], application=apps[0]).exists()
    loads = Counter(Assignment.objects.values_list("evaluator_id", flat=True))
    assert sorted(loads.values()) == [3, 3, 3, 3]
    assert set(Assignment.objects.values_list("method", flat=True)) == {Assignment.Method.AUTOMATIC}
    entry = AuditEntry.objects.get(action="asis.assignment.created")
    assert entry.after["created"] == 12 and entry.after["conflicts_avoided"] == 1
    assert Notification.objects.filter(kind="evaluator_assigned").count() == 4
    # a second run keeps everything and adds nothing
    summary = asg.assignments_auto(actor=world.users["manager"], call=call)
    assert summary["created"] == 0 and summary["complete_before"] == 6


def test_existing_assignments_are_kept_and_count(world):
    call, apps, people = _call_with(world, apps=4, evaluators=4, k=2)
    assign(people[3], apps[0], method=Assignment.Method.MANUAL, reason="expert")
    asg.assignments_auto(actor=world.users["manager"], call=call)
    assert Assignment.objects.filter(evaluator=people[3], application=apps[0]).exists()
    assert Assignment.objects.count() == 8
    loads = Counter(Assignment.objects.values_list("evaluator_id", flat=True))
    assert sorted(loads.values()) == [2, 2, 2, 2]


def test_expertise_breaks_ties(world):
    from asis.observatory.models import Challenge

    call, apps, people = _call_with(world, apps=2, evaluators=2, k=1)
    water = Challenge.objects.create(code="t-water", name="Water")
    care = Challenge.objects.create(code="t-care", name="Care")
    apps[0].challenges.set([water])
    apps[1].challenges.set([care])
    people[0].expertise.set([care])
    people[1].expertise.set([water])
    asg.assignments_auto(actor=world.users["manager"], call=call)
    assert set(Assignment.objects.values_list("application_id", "evaluator_id")) == {
        (apps[0].pk, people[1].pk), (apps[1].pk, people[0].pk)}


def test_infeasible_message(world):
    call, apps, _people = _call_with(world, apps=2, evaluators=2, k=3)
    response = world.client_for("manager").post(_url(call), follow=True)
    page = response.content.decode()
    # The application by its reference, never its database id, with the counts of the case.
    assert f"Application {apps[0].reference} has only 2 evaluators without a conflict of interest" in page
    assert "3 are needed" in page
    assert not Assignment.objects.exists()


def test_infeasible_message_in_the_readers_language(world):
    from django.utils import translation

    call, apps, _people = _call_with(world, apps=2, evaluators=2, k=3)
    with translation.override("de"), pytest.raises(asg.AssignmentError) as info:
        asg.assignments_auto(actor=world.users["manager"], call=call)
    message = str(info.value)
    assert apps[0].reference in message
    assert message.startswith(f"Antrag {apps[0].reference} ")


def test_declined_and_invited_evaluators_are_not_used(world):
    call, _apps, people = _call_with(world, apps=2, evaluators=3, k=1)
    Evaluator.objects.filter(pk=people[0].pk).update(status=Evaluator.Status.DECLINED)
    Evaluator.objects.filter(pk=people[1].pk).update(status=Evaluator.Status.INVITED)
    asg.assignments_auto(actor=world.users["manager"], call=call)
    assert set(Assignment.objects.values_list("evaluator_id", flat=True)) == {people[2].pk}


def test_big_call_runs_as_a_job(world, settings, monkeypatch, django_capture_on_commit_callbacks):
    from asis.core.jobs import run_job

    monkeypatch.setattr(asg, "INLINE_MAX_PAIRS", 0)
    call, apps, _people = _call_with(world)
    client = world.client_for("manager")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url(call))
    assert response.status_code == 200
    job = Job.objects.get(kind="calls.assign")
    assert job.params == {"call_id": call.pk}
    assert "job-progress" in response.content.decode()
    assert not Assignment.objects.exists()
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.progress == 1.0
    assert Assignment.objects.count() == 12
    # a job whose owner no longer manages the call fails with a clear message
    other = Job.objects.create(kind="calls.assign", owner=world.users["other_manager"], params={"call_id": call.pk})
    run_job.call(str(other.pk))
    other.refresh_from_db()
    assert other.status == Job.Status.FAILED and "no longer manage" in other.error


def test_manual_add_refuses_conflicts_and_requires_reason(world):
    call, apps, people = _call_with(world, apps=1, evaluators=2, k=1)
    ConflictOfInterest.objects.create(evaluator=people[0], application=apps[0],
                                      type=ConflictOfInterest.Type.MANUAL, note="board")
    client = world.client_for("manager")
    url = reverse("calls:assignment_add", kwargs={"call_id": call.pk})
    response = client.post(url, {"evaluator": people[0].pk, "application": apps[0].pk, "reason": "Needed"})
    assert response.status_code == 400
    assert "conflict of interest" in response.content.decode()
    assert client.post(url, {"evaluator": people[1].pk, "application": apps[0].pk, "reason": ""}).status_code == 400
    assert client.post(url, {"evaluator": people[1].pk, "application": apps[0].pk,
                             "reason": "Speaks the language"}).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.method == Assignment.Method.MANUAL and assignment.reason == "Speaks the language"
    entry = AuditEntry.objects.get(action="asis.assignment.created")
    assert entry.after["method"] == "manual" and entry.after["reason"] == "Speaks the language"
    assert client.post(url, {"evaluator": people[1].pk, "application": apps[0].pk,
                             "reason": "again"}).status_code == 400


def test_manual_remove_needs_reason_and_keeps_submitted_reviews(world):
    call, apps, people = _call_with(world, apps=1, evaluators=2, k=1)
    first = assign(people[0], apps[0])
    second = assign(people[1], apps[0])
    score_review(second, {"social_need": 3})
    client = world.client_for("manager")

    def remove(assignment, reason):
        return client.post(reverse("calls:assignment_remove", kwargs={"assignment_id": assignment.pk}),
                           {"reason": reason})

    remove(first, "")
    assert Assignment.objects.filter(pk=first.pk).exists()
    remove(second, "Not needed")
    assert Assignment.objects.filter(pk=second.pk).exists()
    remove(first, "Workload")
    assert not Assignment.objects.filter(pk=first.pk).exists()
    entry = AuditEntry.objects.get(action="asis.assignment.removed")
    assert entry.after["reason"] == "Workload" and entry.after["method"] == "manual"
    assert world.client_for("other_manager").post(
        reverse("calls:assignment_remove", kwargs={"assignment_id": second.pk}), {"reason": "x"}).status_code == 404


def test_assignments_page_queries_are_bounded(world, django_assert_max_num_queries):
    call, _apps, _people = _call_with(world, apps=12, evaluators=5, k=2)
    asg.assignments_auto(actor=world.users["manager"], call=call)
    # constant in the number of applications and evaluators (session, form choices, a few selects)
    with django_assert_max_num_queries(45):
        page = world.client_for("manager").get(_url(call))
    assert page.status_code == 200
