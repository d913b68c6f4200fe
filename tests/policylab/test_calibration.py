"""Calibration service: the Bass part recovers a known curve from a synthetic observatory, the
ABC part recovers a known failure hazard from synthetic funded projects, put-in-force rules."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from asis.core.audit import AuditEntry
from asis.core.jobs import run_job
from asis.core.models import Job
from asis.engines.simulation.bass import fit_bass
from asis.engines.simulation.experiments import run_chunk
from asis.engines.simulation.parameters import ModelParams
from asis.policylab import calibration as service
from asis.policylab.models_calibration import Calibration
from tests.policylab.calibration_helpers import bass_counts, make_funded_projects, make_observatory

P, Q, M, YEARS = 0.03, 0.38, 600.0, 15


@pytest.fixture
def fast_abc(monkeypatch):
    monkeypatch.setattr(service, "ABC_MONTHS", 36)


def test_bass_part_recovers_the_curve_of_a_synthetic_observatory(world):
    counts = bass_counts(P, Q, M, YEARS)
    make_observatory(counts, region_codes=("AT33", "FRK2"))
    make_observatory([5, 5], first_year=2010, status="draft")  # not published: not counted
    assert service.initiatives_per_year() == {2005 + i: n for i, n in enumerate(counts) if n}
    cal = service.calibration_compute(actor=world.users["manager"], draws=10)
    fit = cal.diagnostics["bass"]["all"]["fit"]
    # rounding to whole initiatives is the only noise (at most 0.5 a year): within 3 %
    assert fit["p"] == pytest.approx(P, rel=0.03) and fit["q"] == pytest.approx(Q, rel=0.03)
    assert fit["m"] == pytest.approx(M, rel=0.03) and fit["r_squared"] > 0.99
    assert 0 < fit["p_se"] < 0.1 * P and 0 < fit["m_se"] < 0.1 * M
    # an independent fit of the same series gives the same numbers
    independent = fit_bass(counts)
    assert fit["p"] == pytest.approx(independent.p) and fit["m"] == pytest.approx(independent.m)
    assert cal.params["innovation_p"] == pytest.approx(fit["p"] / 12)
    assert cal.params["imitation_q"] == pytest.approx(fit["q"] / 12)
    part = cal.diagnostics["bass"]["all"]
    assert part["years"][0] == 2005 and len(part["residuals"]) == YEARS
    assert np.allclose(np.array(part["series"]) - np.array(part["fitted"]), part["residuals"], atol=1e-3)
    # per country: every other initiative in Austria, the rest in France
    countries = cal.diagnostics["bass"]["countries"]
    assert set(countries) == {"AT", "FR"}
    assert sum(countries["AT"]["series"]) + sum(countries["FR"]["series"]) == sum(counts)
    assert countries["AT"]["fit"]["m"] == pytest.approx(M / 2, rel=0.1)
    assert cal.diagnostics["data"]["with_year"] == sum(counts)
    assert cal.diagnostics["abc"]["skipped"] == "too_few_projects" and "failure_hazard" not in cal.params
    assert AuditEntry.objects.filter(action="asis.policylab.calibration_computed").count() == 1


def test_too_few_data_gives_the_engine_refusal_and_no_override(world):
    make_observatory([3, 4])
    cal = service.calibration_compute(actor=world.users["platform_admin"], draws=10)
    assert cal.diagnostics["bass"]["all"]["error"]["code"] == "simulation.bass_series"
    assert cal.params == {}


def test_abc_recovers_the_failure_hazard_of_synthetic_funded_projects(world, fast_abc):
    truth = 0.01
    params = replace(ModelParams(), failure_hazard=truth)
    spec = replace(service._abc_spec(params, seed=99), n_runs=16)
    expected = service.funded_exit_rate(run_chunk(spec, 0, 16), params.funded_hazard_ratio)["exit_rate_per_year"]
    n = 100  # each exposed for the 2-year project duration: 200 project-years
    terminated = int(round(expected * 2 * n))
    make_funded_projects(world.org, world.users["project_holder"], n=n, terminated=terminated)
    moments = service.funded_project_moments(today=__import__("datetime").date.today(), funding_months=24)
    assert moments["project_years"] == pytest.approx(200, rel=1e-3)
    assert moments["exit_rate_per_year"] == pytest.approx(terminated / 200, rel=1e-3)
    cal = service.calibration_compute(actor=world.users["manager"], draws=150, seed=5)
    abc = cal.diagnostics["abc"]
    post = abc["posterior"][0]
    assert abc["acceptance_rate"] == pytest.approx(0.1)
    assert post["q05"] <= truth <= post["q95"]
    assert post["q95"] - post["q05"] < (service.FAILURE_PRIOR[1] - service.FAILURE_PRIOR[0]) / 2
    assert cal.params["failure_hazard"] == pytest.approx(post["mean"])


def test_background_job_reports_progress_and_saves_the_calibration(world, fast_abc):
    make_observatory(bass_counts(P, Q, M, YEARS))
    make_funded_projects(world.org, world.users["project_holder"], n=6, terminated=1)
    job = service.calibration_start(actor=world.users["manager"], draws=10)
    assert AuditEntry.objects.filter(action="asis.policylab.calibration_started").count() == 1
    assert run_job.call(str(job.pk)) == "succeeded", Job.objects.get(pk=job.pk).error
    job.refresh_from_db()
    cal = Calibration.objects.get()
    assert job.progress == 1.0 and job.result["calibration"] == cal.pk and cal.job_id == job.pk
    assert set(cal.params) == {"innovation_p", "imitation_q", "failure_hazard"}
    assert not cal.in_force and service.params_in_force() == {}


def test_job_of_an_owner_who_lost_the_right_fails_with_a_message(world):
    job = service.calibration_start(actor=world.users["manager"], draws=10)
    from asis.accounts.models import Membership

    Membership.objects.filter(user=world.users["manager"]).delete()
    assert run_job.call(str(job.pk)) == "failed"
    assert Job.objects.get(pk=job.pk).error


def test_put_in_force_single_and_audited(world):
    admin = world.users["platform_admin"]
    first = Calibration.objects.create(params={"innovation_p": 0.001})
    second = Calibration.objects.create(params={"imitation_q": 0.02})
    service.calibration_enact(actor=admin, calibration=first)
    assert service.params_in_force() == {"innovation_p": 0.001}
    service.calibration_enact(actor=admin, calibration=second)
    first.refresh_from_db()
    assert not first.in_force and service.params_in_force() == {"imitation_q": 0.02}
    assert AuditEntry.objects.filter(action="asis.policylab.calibration_enacted").count() == 2
    with pytest.raises(PermissionDenied):
        service.calibration_enact(actor=world.users["manager"], calibration=first)
    with pytest.raises(PermissionDenied):
        service.calibration_start(actor=world.users["member"])
    with pytest.raises(PermissionDenied):
        service.calibration_compute(actor=world.users["member"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Calibration.objects.filter(pk=first.pk).update(in_force=True)


def test_params_in_force_feed_model_params(world):
    cal = Calibration.objects.create(params={"innovation_p": 0.002, "failure_hazard": 0.01})
    service.calibration_enact(actor=world.users["platform_admin"], calibration=cal)
    params = ModelParams(**service.params_in_force())
    params.validate()
    assert params.innovation_p == 0.002
