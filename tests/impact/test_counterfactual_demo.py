"""The demo's regional panel: a DiD finds the known effect without a refusal, and a synthetic
control runs on one of its treated regions."""

import pytest

from asis.impact.counterfactual import demo, services
from asis.impact.models_counterfactual import CounterfactualStudy

pytestmark = pytest.mark.django_db


def test_demo_panel_did_and_synth(world):
    manager = world.users["manager"]
    panel = demo.demo_panel(world.org, manager)
    assert panel.row_count == 42 * 10
    study = demo.demo_study(panel, manager)
    reading = study.result["interpretation"]
    assert study.status == "done"
    assert reading["ci_low"] < demo.EFFECT < reading["ci_high"]
    assert reading["refusals"] == []
    synth = services.study_run(actor=manager, study=services.study_create(
        actor=manager, panel=panel, name="Synth", method=CounterfactualStudy.Method.SYNTH,
        treated=study.treated_units[:1], comparison=study.comparison_units, treatment_start=demo.START,
        start_job=False))
    assert synth.status == "done"
    assert synth.result["synth"]["average_effect"] == pytest.approx(demo.EFFECT, abs=1.0)
    assert synth.result["interpretation"]["refusals"] == []
