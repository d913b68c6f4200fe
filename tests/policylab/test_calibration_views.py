"""Calibration page: data counts, fitted values, the chart with its table, the refusal when the
data are too few, recompute and put in force; who may do what (policy officers by membership)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asis.accounts.models import Role
from asis.core.models import Job
from asis.policylab import calibration as service
from asis.policylab.models_calibration import Calibration
from tests.conftest import make_user
from tests.factories import MembershipFactory
from tests.policylab.calibration_helpers import bass_counts, make_observatory


@pytest.fixture
def computed(world):
    make_observatory(bass_counts(0.03, 0.38, 600.0, 15), region_codes=("AT33", "SI03"))
    return service.calibration_compute(actor=world.users["manager"], draws=10)


def test_page_shows_data_fit_chart_table_and_history(world, computed):
    response = world.client_for("manager").get(reverse("policylab:calibration"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html  # the Altair/vl-convert chart, inlined
    assert "Observed and fitted new initiatives per year" in html  # its table alternative
    assert '<th scope="row">2005</th>' in html
    assert "Standard error" in html and "Slovenia" in html and "Austria" in html
    assert f"?calibration={computed.pk}" in html
    assert "Too few funded projects" in html
    assert "Put this calibration in force" not in html  # managers do not enact
    assert "A platform administrator puts a calibration in force." in html


def test_page_explains_when_data_are_too_few(world):
    make_observatory([2, 1])
    service.calibration_compute(actor=world.users["manager"], draws=10)
    html = world.client_for("manager").get(reverse("policylab:calibration")).content.decode()
    assert "A diffusion fit needs at least" in html
    assert "simulation.bass_series" not in html


def test_empty_page(world):
    html = world.client_for("platform_admin").get(reverse("policylab:calibration")).content.decode()
    assert "No calibration has been computed yet." in html


def test_recompute_queues_a_job_and_shows_progress(world):
    client = world.client_for("manager")
    response = client.post(reverse("policylab:calibration_run"), {"draws": "20"})
    job = Job.objects.get(kind=service.JOB_KIND)
    assert response.status_code == 302 and f"job={job.pk}" in response["Location"]
    assert job.params == {"draws": 20, "seed": 2026}
    html = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in html
    assert 'id="job-progress"' not in client.get(reverse("policylab:calibration") + "?job=nonsense").content.decode()


@pytest.mark.parametrize("draws", ["", "abc", "5", "999999", "-3"])
def test_recompute_refuses_bad_input_and_saves_nothing(world, draws):
    client = world.client_for("manager")
    response = client.post(reverse("policylab:calibration_run"), {"draws": draws}, follow=True)
    assert response.status_code == 200
    assert "whole number from 10 to" in response.content.decode()
    assert not Job.objects.exists()


def test_admin_puts_in_force(world, computed):
    client = world.client_for("platform_admin")
    html = client.get(reverse("policylab:calibration")).content.decode()
    assert "Put this calibration in force" in html
    response = client.post(reverse("policylab:calibration_enact", args=[computed.pk]))
    assert response.status_code == 302
    computed.refresh_from_db()
    assert computed.in_force and service.params_in_force() == computed.params
    assert client.post(reverse("policylab:calibration_enact", args=[99999])).status_code == 404


def test_policy_officer_membership_and_unknown_calibration(world, computed):
    officer = make_user("officer@example.org")
    MembershipFactory(user=officer, organisation=world.org, role=Role.POLICY_OFFICER)
    from django.test import Client

    client = Client()
    client.force_login(officer)
    assert client.get(reverse("policylab:calibration")).status_code == 200
    assert client.get(reverse("policylab:calibration") + "?calibration=999").status_code == 200
    assert client.post(reverse("policylab:calibration_enact", args=[computed.pk])).status_code == 404
    editor = make_user("editor@example.org", is_editor=True)
    client.force_login(editor)
    assert client.get(reverse("policylab:calibration")).status_code == 404
    assert not Calibration.objects.filter(in_force=True).exists()


def test_page_in_german_has_no_raw_keys(world, computed):
    client = world.client_for("manager")
    html = client.get(reverse("policylab:calibration"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "simulation." not in html and "failure_hazard" not in html
