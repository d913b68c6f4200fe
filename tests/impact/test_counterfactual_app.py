"""Counterfactual studies in the app: import all or nothing, studies refused before anything is
saved, the job, the result page in two languages, the PDF, the audit, and who sees what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from asis.core.formatting import number
from asis.core.jobs import run_job
from asis.core.models import AuditEntry, Job
from asis.impact.counterfactual import services
from asis.impact.models_counterfactual import (
    CounterfactualPanel,
    CounterfactualPanelRow,
    CounterfactualStudy,
)
from tests.impact.counterfactual_helpers import REGIONS, make_panel, make_study, panel_csv

pytestmark = pytest.mark.django_db


def _url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"impact:counterfactual:{name}", kwargs=kwargs)


def _upload(client, text, language="en", name="Panel"):
    return client.post(_url("panel_import", language), {
        "organisation": client.org_pk, "name": name, "outcome_label": "Employment rate",
        "file": SimpleUploadedFile("panel.csv", text.encode("utf-8"), content_type="text/csv")})


@pytest.fixture
def manager(world):
    client = world.client_for("manager")
    client.org_pk = world.org.pk
    return client


def test_csv_import_stores_the_panel_and_audits(manager, world):
    response = _upload(manager, panel_csv())
    panel = CounterfactualPanel.objects.get()
    assert response.status_code == 302
    assert panel.row_count == 100 == panel.rows.count()
    assert panel.covariate_names == ["population"]
    assert AuditEntry.objects.filter(action="asis.impact.counterfactual.panel_imported").count() == 1


@pytest.mark.parametrize("language", ["en", "de"])
def test_bad_csv_reports_every_row_translated_and_saves_nothing(manager, language):
    text = "unit,period,outcome\nTirol,2019,1\nTirol,zwanzig,2\nWien,2019,n/a\nTirol,2019,3\n"
    response = _upload(manager, text, language)
    body = response.content.decode()
    assert response.status_code == 200
    assert CounterfactualPanel.objects.count() == 0 and CounterfactualPanelRow.objects.count() == 0
    if language == "en":
        assert "Row 3: The period “zwanzig” is not a whole number" in body
        assert "Row 4: “n/a” in column outcome is not a number." in body
        assert "Row 5: Tirol / 2019 appears twice (first in row 2)." in body
    # New messages are translated centrally after merging; in any language no raw code shows.
    for code in ("bad_period", "bad_number", "duplicate", "%("):
        assert code not in body


def test_non_utf8_file_is_refused(manager):
    response = manager.post(_url("panel_import"), {
        "organisation": manager.org_pk, "name": "P", "outcome_label": "O",
        "file": SimpleUploadedFile("p.csv", "unit;period;outcome\nZürich;1;2\n".encode("latin-1"))})
    assert "not UTF-8" in response.content.decode()
    assert CounterfactualPanel.objects.count() == 0


def test_tampered_organisation_is_an_invalid_choice(manager, world):
    response = manager.post(_url("panel_import"), {
        "organisation": world.other_org.pk, "name": "P", "outcome_label": "O",
        "file": SimpleUploadedFile("p.csv", panel_csv().encode())})
    assert response.status_code == 200 and CounterfactualPanel.objects.count() == 0


@pytest.mark.parametrize(("treated", "comparison", "start", "message"), [
    ([REGIONS[0]], [], 2020, "Comparison units (without the policy): This field is required"),
    ([REGIONS[0]], REGIONS[1:], 2015, "a comparison needs at least one period before the policy"),
    ([REGIONS[0]], ["Atlantis"], 2020, "Select a valid choice"),
    ([REGIONS[0]], [REGIONS[0]], 2020, "A unit cannot be both treated and a comparison unit."),
])
def test_bad_studies_are_refused_before_anything_is_saved(manager, world, treated, comparison, start, message):
    panel = make_panel(world.org, world.users["manager"])
    response = manager.post(_url("study_new", panel_id=panel.pk), {
        "name": "S", "method": "did", "treated": treated, "comparison": comparison,
        "treatment_start": start, "confidence": "0.95"})
    body = response.content.decode().replace("&quot;", '"')
    assert response.status_code == 200
    assert message.split(": ")[-1] in body
    assert CounterfactualStudy.objects.count() == 0 and Job.objects.count() == 0


def test_one_unit_panel_is_refused_by_the_service(world):
    panel = services.panel_import_csv(actor=world.users["manager"], organisation=world.org, name="One",
                                      outcome_label="O", text="unit,period,outcome\na,1,1\na,2,2\n")
    with pytest.raises(services.StudyInputError) as info:
        services.study_create(actor=world.users["manager"], panel=panel, name="S", method="did",
                              treated=["a"], comparison=[], treatment_start=2)
    assert info.value.code == "no_comparison_unit"


def test_a_study_runs_as_a_job_and_the_result_page_interprets_it(manager, world):
    panel = make_panel(world.org, world.users["manager"])
    response = manager.post(_url("study_new", panel_id=panel.pk), {
        "name": "Care policy", "method": "did", "treated": REGIONS[:3], "comparison": REGIONS[3:],
        "treatment_start": 2020, "confidence": "0.95"})
    study = CounterfactualStudy.objects.get()
    assert response.status_code == 302
    assert "queued or running" in manager.get(_url("study_detail", study_id=study.pk)).content.decode()
    assert run_job.call(str(study.job_id)) == "succeeded"
    study.refresh_from_db()
    assert study.status == "done"
    effect = study.result["did"]["effect"]
    assert effect["ci_low"] < 3.0 < effect["ci_high"]
    entry = AuditEntry.objects.get(action="asis.impact.counterfactual.run")
    assert entry.after["estimate"] == pytest.approx(study.result["interpretation"]["estimate"])
    body = manager.get(_url("study_detail", study_id=study.pk)).content.decode()
    assert "Estimated effect on “Employment rate (%)”" in body
    assert "The policy raised the outcome" in body
    assert "Parallel trends:" in body and 'role="img"' in body and "Event study coefficients" in body
    german = manager.get(_url("study_detail", "de", study_id=study.pk)).content.decode()
    # German numbers (the sentences themselves are translated centrally after merging).
    estimate = study.result["interpretation"]["estimate"]
    with translation.override("de"):
        shown = number(estimate, 2)
    assert "," in shown and shown in german
    assert "parallel_trends" not in german and "%(" not in german


def test_pre_trends_refuse_the_interpretation(world):
    text = panel_csv(effect=0.0)
    # The treated regions drift upwards from the first year: parallel trends visibly fail.
    lines = text.splitlines()
    drifted = [lines[0]]
    for line in lines[1:]:
        unit, period, outcome, pop = line.split(",")
        value = float(outcome) + (1.0 * (int(period) - 2015) if unit in REGIONS[:3] else 0)
        drifted.append(f"{unit},{period},{value},{pop}")
    panel = services.panel_import_csv(actor=world.users["manager"], organisation=world.org, name="Drift",
                                      outcome_label="O", text="\n".join(drifted))
    study = make_study(panel, world.users["manager"])
    codes = {r["code"] for r in study.result["interpretation"]["refusals"]}
    assert "pre_trends" in codes


def test_synthetic_control_and_psm_results(world, client):
    manager = world.users["manager"]
    panel = make_panel(world.org, manager)
    synth = make_study(panel, manager, name="Synth", method="synth", treated=1)
    assert synth.status == "done"
    assert synth.result["synth"]["treated_unit"] == REGIONS[0]
    psm = make_study(panel, manager, name="Matching", method="psm")
    assert psm.status == "failed"  # ten regions are too few to match: said, not crashed
    assert psm.error_code in {"no_overlap", "no_matches", "unstable_bootstrap", "too_few_units"}
    client.force_login(manager)
    assert "Synthetic control" in client.get(_url("study_detail", study_id=synth.pk)).content.decode()
    assert "could not be estimated" in client.get(_url("study_detail", study_id=psm.pk)).content.decode()


def test_pdf_download(manager, world):
    study = make_study(make_panel(world.org, world.users["manager"]), world.users["manager"])
    response = manager.get(_url("study_pdf", study_id=study.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_other_organisations_see_nothing(world):
    study = make_study(make_panel(world.org, world.users["manager"]), world.users["manager"])
    other = world.client_for("other_manager")
    for name, kwargs in (("study_detail", {"study_id": study.pk}), ("study_pdf", {"study_id": study.pk}),
                         ("panel_detail", {"panel_id": study.panel_id})):
        assert other.get(_url(name, **kwargs)).status_code == 404
    assert "Care policy" not in other.get(_url("index")).content.decode()
    assert world.client_for("evaluator").get(_url("index")).status_code == 404


def test_api_lists_and_reads_studies_of_ones_organisations_only(world):
    study = make_study(make_panel(world.org, world.users["manager"]), world.users["manager"])
    mine = world.client_for("manager")
    listed = mine.get("/api/v1/impact/counterfactual/studies").json()
    assert [s["name"] for s in listed] == ["Care policy"]
    detail = mine.get(f"/api/v1/impact/counterfactual/studies/{study.pk}").json()
    assert detail["result"]["did"]["effect"]["estimate"] == pytest.approx(study.result["did"]["effect"]["estimate"])
    other = world.client_for("other_manager")
    assert other.get("/api/v1/impact/counterfactual/studies").json() == []
    assert other.get(f"/api/v1/impact/counterfactual/studies/{study.pk}").status_code == 404
