"""Theory of change: versions with a note, diff with human labels, accessible diagram, PDF."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asis.core.models import AuditEntry
from asis.impact import theory
from asis.impact.models import TheoryOfChange
from tests.impact.helpers import make_project

FIELDS = {"problem": "Older people are isolated <b>", "inputs": "Two carers", "activities": "Weekly visits",
          "outputs": "Visits made", "outcomes": "Less loneliness", "impact": "People stay in the valley",
          "assumptions": ""}


@pytest.fixture
def project(world):
    project = make_project(world.org, world.users["project_holder"], title="Valley care")
    TheoryOfChange.objects.create(project=project, version=1, **FIELDS)
    return project


def test_every_save_is_a_new_version_with_what_changed(world, project):
    holder = world.client_for("project_holder")
    url = reverse("impact:theory_edit", args=[project.pk])
    response = holder.post(url, {**FIELDS, "assumptions": "Volunteers stay", "note": ""})
    assert response.status_code == 200 and "Say in a few words what changed" in response.content.decode()
    response = holder.post(url, {**FIELDS, "note": "nothing"})
    assert "Nothing changed" in response.content.decode()
    response = holder.post(url, {**FIELDS, "assumptions": "Volunteers stay", "outcomes": "Much less loneliness",
                                 "note": "Added the assumption"})
    assert response.status_code == 302
    assert list(project.theories.values_list("version", flat=True)) == [2, 1]
    assert project.theories.get(version=1).assumptions == ""  # never overwritten
    entry = AuditEntry.objects.get(action="asis.impact.theory.changed")
    assert entry.after["changed"] == ["outcomes", "assumptions"]
    # Staff read it but do not write it.
    assert world.client_for("manager").get(reverse("impact:theory", args=[project.pk])).status_code == 200
    assert world.client_for("manager").post(url, {**FIELDS, "note": "x"}).status_code == 404


def test_history_shows_a_diff_with_human_labels(world, project):
    theory.theory_save(actor=world.users["project_holder"], project=project, note="Sharper outcome",
                       texts={**FIELDS, "outcomes": "Less loneliness among people over 75"})
    page = world.client_for("project_holder").get(reverse("impact:theory_history", args=[project.pk]),
                                                  {"a": "1", "b": "2"}).content.decode()
    assert "<ins>" in page and "Outcomes" in page and "Sharper outcome" in page
    assert "From the application" in page  # version 1 has no note of its own
    with pytest.raises(ValidationError):
        theory.theory_save(actor=None, project=project, note="x", texts={**FIELDS, "problem": ""})


def test_diagram_is_an_escaped_svg_with_a_text_alternative_and_in_the_pdf(world, project):
    page = world.client_for("project_holder").get(reverse("impact:theory", args=[project.pk])).content.decode()
    assert '<svg' in page and 'role="img"' in page and "<title" in page
    assert "&lt;b&gt;" in page and "Older people are isolated <b>" not in page
    assert '<ol class="toc-list">' in page
    svg = str(theory.theory_svg(project.theories.get()))
    assert svg.index("Problem") < svg.index("Inputs") < svg.index("Activities") < svg.index("Impact") \
        < svg.index("Assumptions")
    assert 'viewBox="0 0 320' in svg  # drawn for a narrow screen, scaled up on wide ones
    response = world.client_for("project_holder").get(reverse("impact:theory_pdf", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
