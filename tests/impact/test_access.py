"""Who sees which funded project: holders their own, staff their organisation's, nobody else."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from asis.impact import access
from tests.conftest import make_org, make_user
from tests.factories import MembershipFactory
from tests.impact.helpers import make_project


@pytest.fixture
def projects(world):
    """Ours: held by world.org, funded by world.org. Theirs: another applicant's, funded by other_org."""
    ours = make_project(world.org, world.users["project_holder"], title="Ours", periods=1)
    stranger = make_user("stranger@example.org")
    applicant_org = make_org("Verein Anders", "ITH1")
    theirs = make_project(applicant_org, stranger, funder=world.other_org, title="Theirs", periods=1)
    return ours, theirs


def test_holder_sees_only_own_projects(world, projects):
    ours, theirs = projects
    holder = world.users["project_holder"]
    assert set(access.projects_held_by(holder)) == {ours}
    assert access.access_held_project(holder, ours.pk) == ours
    with pytest.raises(Http404):
        access.access_project(holder, theirs.pk)


def test_staff_see_only_their_organisations_projects(world, projects):
    ours, theirs = projects
    assert set(access.projects_managed_by(world.users["manager"])) == {ours}
    assert set(access.projects_managed_by(world.users["other_manager"])) == {theirs}
    with pytest.raises(Http404):
        access.access_managed_project(world.users["manager"], theirs.pk)
    # A project holder of the funding organisation is no staff of its calls.
    assert not access.projects_managed_by(world.users["project_holder"]).exists()


def test_evaluators_and_plain_members_see_nothing(world, projects):
    for role in ("evaluator", "member"):
        assert not access.projects_visible_to(world.users[role]).exists()


def test_co_applicant_and_organisation_admin_hold_the_project(world, projects):
    from asis.accounts.models import Role
    from asis.calls.models import CoApplicant

    ours, _theirs = projects
    co = make_user("co@example.org")
    CoApplicant.objects.create(application=ours.application, user=co)
    admin = MembershipFactory(user__email="orgadmin@example.org", organisation=world.org,
                              role=Role.ORGANISATION_ADMIN).user
    assert access.can_hold_project(co, ours) and access.can_hold_project(admin, ours)


def test_list_page_shows_each_person_their_projects(world, projects):
    ours, theirs = projects
    page = world.client_for("project_holder").get(reverse("impact:project_list")).content.decode()
    assert "Ours" in page and "Theirs" not in page
    page = world.client_for("other_manager").get(reverse("impact:project_list")).content.decode()
    assert "Theirs" in page and "Ours" not in page
    assert world.client_for("other_manager").get(reverse("impact:project_detail", args=[ours.pk])).status_code == 404
