"""Evidence of recommendations: who may add what, adopted editions refused, order kept, audited,
labels for readers who may not see a private scenario, and the comparison -> evidence page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asis.accounts.models import Role
from asis.core.models import AuditEntry
from asis.policylab.models import Visibility
from asis.policylab.models_whitebook import Edition, Evidence
from asis.policylab.whitebook import evidence as services
from tests.conftest import make_user
from tests.factories import MembershipFactory
from tests.impact.helpers import make_project
from tests.observatory.contribute_helpers import make_initiative
from tests.policylab.evidence_helpers import (
    adopt,
    make_comparison,
    make_edition,
    make_recommendation,
    make_scenario,
)

pytestmark = pytest.mark.django_db


def _source(actor, paragraph, citation="OECD (2022)", **extra):
    return services.evidence_add(actor=actor, paragraph=paragraph, kind=Evidence.Kind.SOURCE, citation=citation,
                                 url="https://example.org/report", **extra)


def test_add_move_remove_keeps_order_and_audits(world):
    manager = world.users["manager"]
    paragraph = make_recommendation(make_edition())
    a = _source(manager, paragraph, "A")
    b = _source(manager, paragraph, "B")
    c = _source(manager, paragraph, "C")
    assert [e.citation for e in paragraph.evidence.order_by("position")] == ["A", "B", "C"]
    services.evidence_move(actor=manager, evidence=c, direction="up")
    assert [e.citation for e in paragraph.evidence.order_by("position")] == ["A", "C", "B"]
    services.evidence_move(actor=manager, evidence=a, direction="up")  # already first: nothing moves
    services.evidence_remove(actor=manager, evidence=a)
    assert [(e.citation, e.position) for e in paragraph.evidence.order_by("position")] == [("C", 1), ("B", 2)]
    actions = list(AuditEntry.objects.filter(action__startswith="asis.policylab.whitebook.evidence")
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["asis.policylab.whitebook.evidence_added"] * 3 + ["asis.policylab.whitebook.evidence_moved",
                                                                    "asis.policylab.whitebook.evidence_removed"]
    assert b.pk in set(paragraph.evidence.values_list("pk", flat=True))


def test_other_organisations_private_comparison_cannot_be_added(world):
    other = make_comparison(world.users["other_manager"], world.other_org, name="Theirs",
                            visibility=Visibility.ORGANISATION)
    own = make_comparison(world.users["manager"], world.org, name="Ours", visibility=Visibility.ORGANISATION)
    paragraph = make_recommendation(make_edition())
    with pytest.raises(services.EvidenceRefused):
        services.evidence_add(actor=world.users["manager"], paragraph=paragraph, kind=Evidence.Kind.COMPARISON,
                              target=other)
    services.evidence_add(actor=world.users["manager"], paragraph=paragraph, kind=Evidence.Kind.COMPARISON,
                          target=own)
    assert list(paragraph.evidence.values_list("comparison__name", flat=True)) == ["Ours"]
    # and through the page: 404, nothing added
    client = world.client_for("manager")
    response = client.post(reverse("policylab:comparison_to_evidence", kwargs={"comparison_id": other.pk}),
                           {"paragraph": paragraph.pk})
    assert response.status_code == 404
    assert paragraph.evidence.count() == 1


def test_adopted_edition_refused(world):
    paragraph = make_recommendation(make_edition())
    adopt(paragraph.chapter.edition)
    paragraph.refresh_from_db()
    with pytest.raises(services.EvidenceRefused, match="adopted"):
        _source(world.users["platform_admin"], paragraph)
    client = world.client_for("manager")
    url = reverse("policylab:whitebook_evidence", kwargs={"paragraph_id": paragraph.pk})
    response = client.post(url, {"action": "add", "kind": "source", "citation": "X", "url": ""})
    assert response.status_code == 400
    assert "adopted" in response.content.decode()
    assert not Evidence.objects.exists()
    page = client.get(url)
    assert page.status_code == 200 and "Add evidence" not in page.content.decode()
    # an adopted edition is not offered on the comparison page either
    comparison = make_comparison(world.users["manager"], world.org, visibility=Visibility.PUBLIC)
    response = client.post(reverse("policylab:comparison_to_evidence", kwargs={"comparison_id": comparison.pk}),
                           {"paragraph": paragraph.pk})
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_people_who_may_manage_evidence(world):
    paragraph = make_recommendation(make_edition())
    editor = make_user("editor@example.org", is_editor=True)
    officer = MembershipFactory(user__email="officer@example.org", organisation=world.org,
                                role=Role.POLICY_OFFICER).user
    for person in (editor, officer, world.users["manager"]):
        assert services.can_manage_evidence(person, paragraph)
        _source(person, paragraph, citation=person.email)
    for role in ("member", "project_holder", "evaluator"):
        with pytest.raises(services.EvidenceRefused):
            _source(world.users[role], paragraph)
    from django.test import Client

    for person in (editor, officer):
        client = Client()
        client.force_login(person)
        assert client.get(reverse("policylab:whitebook_evidence", kwargs={"paragraph_id": paragraph.pk})
                          ).status_code == 200
    assert paragraph.evidence.count() == 3


def test_page_adds_each_kind_and_bad_input(world):
    manager = world.users["manager"]
    client = world.client_for("manager")
    paragraph = make_recommendation(make_edition(status=Edition.Status.CONSULTATION))
    url = reverse("policylab:whitebook_evidence", kwargs={"paragraph_id": paragraph.pk})
    initiative = make_initiative(status="published", title="Village shop cooperative")
    make_initiative(status="submitted", title="Unpublished shop")
    found = client.get(url, {"q": "shops"}).content.decode()  # the catalogue's search: word forms
    assert "Village shop cooperative" in found and "Unpublished shop" not in found
    assert "Village shop cooperative" not in client.get(url, {"q": "bakery"}).content.decode()
    assert client.post(url + "?q=shop", {"action": "add", "kind": "initiative", "initiative": initiative.pk,
                                         "note": "Runs since 2019."}).status_code == 302
    from asis.engines.simulation.parameters import Levers  # noqa: F401  (the engine is importable)
    scenario = make_scenario(manager, world.org, name="Mine")
    from asis.policylab.models import SimulationRun

    SimulationRun.objects.create(scenario=scenario, status=SimulationRun.Status.SUCCEEDED, n_runs=1, chunk_size=1)
    assert client.post(url, {"action": "add", "kind": "scenario", "scenario": scenario.pk}).status_code == 302
    # bad input: unknown kind, missing choice, bad link, someone else's private scenario
    theirs = make_scenario(world.users["other_manager"], world.other_org, name="Theirs")
    SimulationRun.objects.create(scenario=theirs, status=SimulationRun.Status.SUCCEEDED, n_runs=1, chunk_size=1)
    for data in ({"action": "add", "kind": "nonsense"}, {"action": "add", "kind": "call"},
                 {"action": "add", "kind": "source", "citation": "X", "url": "javascript:alert(1)"},
                 {"action": "add", "kind": "scenario", "scenario": theirs.pk},
                 {"action": "remove", "evidence": "abc"}, {"action": "up", "evidence": "999999"}):
        assert client.post(url, data).status_code == 400, data
    project = make_project(world.org, world.users["project_holder"], title="Care at home")
    page = client.get(url).content.decode()
    assert "Care at home" in page and "Impact test call" in page  # offered in the choices
    assert client.post(url, {"action": "add", "kind": "project", "project": project.pk}).status_code == 302
    assert client.post(url, {"action": "add", "kind": "call", "call": project.application.call_id}).status_code == 302
    assert client.post(url, {"action": "add", "kind": "source", "citation": "OECD (2022)",
                             "url": "https://example.org/oecd"}).status_code == 302
    assert [e.kind for e in paragraph.evidence.order_by("position")] == ["initiative", "scenario", "project",
                                                                        "call", "source"]
    assert paragraph.evidence.get(kind="initiative").note == "Runs since 2019."
    # readers see the labels; a private scenario is not named to the public
    items = services.evidence_items(paragraph, None)
    assert [i.label for i in items] == ["Village shop cooperative", "A scenario that is not published",
                                        "Care at home (Land Tirol Test)", "Impact test call", "OECD (2022)"]
    assert items[4].url == "https://example.org/oecd" and items[1].url == ""
    assert [i.label for i in services.evidence_items(paragraph, manager)][1] == "Mine"
    html = client.get(url).content.decode()
    assert "Impact test call" in html and 'href="https://example.org/oecd"' in html


def test_comparison_to_evidence_get_and_post(world):
    client = world.client_for("manager")
    paragraph = make_recommendation(make_edition())
    comparison = make_comparison(world.users["manager"], world.org, name="Two policies")
    url = reverse("policylab:comparison_to_evidence", kwargs={"comparison_id": comparison.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Fund community hubs" in page.content.decode()
    response = client.post(url, {"paragraph": paragraph.pk, "note": "Twice the initiatives."})
    assert response.status_code == 302
    evidence = paragraph.evidence.get()
    assert (evidence.kind, evidence.comparison_id, evidence.note) == ("comparison", comparison.pk,
                                                                      "Twice the initiatives.")
    assert client.post(url, {"paragraph": paragraph.pk}).status_code == 400  # already listed
    assert paragraph.evidence.count() == 1
    assert world.client_for("member").get(url).status_code == 404


def test_adding_an_unpublished_comparison_says_readers_will_not_see_which(world):
    client = world.client_for("manager")
    make_recommendation(make_edition())
    comparison = make_comparison(world.users["manager"], world.org, name="Two policies")
    url = reverse("policylab:comparison_to_evidence", kwargs={"comparison_id": comparison.pk})
    assert comparison.visibility != Visibility.PUBLIC and 'id="comparison-not-public"' in client.get(url).content.decode()
    comparison.visibility = Visibility.PUBLIC
    comparison.save(update_fields=["visibility"])
    assert 'id="comparison-not-public"' not in client.get(url).content.decode()
