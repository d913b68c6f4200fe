"""Writes of counterfactual tests: import a panel (all or nothing), create a study and start its
job, run it. Every run is audited (``asis.impact.counterfactual.run``), and so are imports and
study creation."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from asis.accounts.models import Organisation
from asis.core.audit import audit_record
from asis.core.jobs import Reporter, job_start
from asis.engines.counterfactual import did, interpret, psm, synth
from asis.engines.counterfactual.csvpanel import RowError, csv_panel_read
from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.jsonable import json_safe
from asis.engines.counterfactual.panel import Panel, PanelInput, PanelRow, panel_validate
from asis.impact.models import Indicator, Report, ReportValue
from asis.impact.models_counterfactual import (
    CounterfactualPanel,
    CounterfactualPanelRow,
    CounterfactualStudy,
)

JOB_KIND = "impact.counterfactual"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
BOOTSTRAP_DRAWS = 500


class PanelImportError(Exception):
    """The file was refused; ``errors`` lists its problems by row, ``count`` how many in all."""

    def __init__(self, errors: tuple[RowError, ...], count: int) -> None:
        self.errors = errors
        self.count = count
        super().__init__(f"{count} problem(s)")


class StudyInputError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _rows_save(panel: CounterfactualPanel, rows: tuple[PanelRow, ...]) -> None:
    CounterfactualPanelRow.objects.bulk_create(
        [CounterfactualPanelRow(panel=panel, unit=r.unit, period=r.period, outcome=r.outcome,
                                covariates=list(r.covariates)) for r in rows], batch_size=5000)


def panel_import_csv(*, actor: Any, organisation: Organisation, name: str, outcome_label: str,
                     text: str, source: str = CounterfactualPanel.Source.CSV,
                     source_note: str = "") -> CounterfactualPanel:
    """Store the panel in ``text`` with all its rows, or nothing (raises :class:`PanelImportError`)."""
    parsed = csv_panel_read(text)
    if not parsed.ok:
        raise PanelImportError(parsed.errors, parsed.error_count)
    with transaction.atomic():
        panel = CounterfactualPanel.objects.create(
            organisation=organisation, name=name, outcome_label=outcome_label, source=source,
            source_note=source_note, covariate_names=list(parsed.covariate_names),
            row_count=len(parsed.rows), created_by=actor)
        _rows_save(panel, parsed.rows)
        audit_record(action="asis.impact.counterfactual.panel_imported", actor=actor, obj=panel,
                     after={"name": name, "rows": len(parsed.rows), "source": source,
                            "covariates": list(parsed.covariate_names)},
                     organisation_id=organisation.pk)
    return panel


def indicator_choices(organisation: Organisation) -> list[Indicator]:
    """Indicators with validated values in projects of the organisation's calls."""
    return list(Indicator.objects.filter(
        uses__project__application__call__organisation=organisation,
        uses__values__report__status=Report.Status.VALIDATED).distinct().order_by("name"))


def panel_from_indicator(*, actor: Any, organisation: Organisation,
                         indicator: Indicator) -> CounterfactualPanel:
    """A panel of the validated values of ``indicator`` in the organisation's funded projects:
    unit = the project's reference, period = the year its reporting period ends, outcome = the
    mean of that year's validated totals (no breakdown), or the ratio for a rate."""
    values = (ReportValue.objects.filter(
        project_indicator__indicator=indicator, disaggregation="",
        report__status=Report.Status.VALIDATED,
        report__project__application__call__organisation=organisation)
        .select_related("report__period", "report__project__application"))
    cells: dict[tuple[str, int], list[float]] = defaultdict(list)
    for value in values:
        unit = value.report.project.application.reference or str(value.report.project)
        year = value.report.period.ends_on.year
        amount = float(value.value)
        if indicator.is_ratio:
            if not value.denominator:
                continue
            amount /= float(value.denominator)
        cells[(unit, year)].append(amount)
    rows = tuple(PanelRow(unit=u, period=p, outcome=sum(v) / len(v))
                 for (u, p), v in sorted(cells.items()))
    if not rows:
        raise StudyInputError("empty_panel")
    with transaction.atomic():
        panel = CounterfactualPanel.objects.create(
            organisation=organisation, name=str(indicator.name), outcome_label=str(indicator.name),
            source=CounterfactualPanel.Source.INDICATOR, source_note=indicator.code,
            row_count=len(rows), created_by=actor)
        _rows_save(panel, rows)
        audit_record(action="asis.impact.counterfactual.panel_imported", actor=actor, obj=panel,
                     after={"indicator": indicator.code, "rows": len(rows)},
                     organisation_id=organisation.pk)
    return panel


def panel_units(panel: CounterfactualPanel) -> list[str]:
    return list(panel.rows.order_by("unit").values_list("unit", flat=True).distinct())


def panel_periods(panel: CounterfactualPanel) -> list[int]:
    return list(panel.rows.order_by("period").values_list("period", flat=True).distinct())


def study_panel(study: CounterfactualStudy) -> Panel:
    """The study's selection of its panel as a validated engine panel (raises CounterfactualError)."""
    rows = study.panel.rows.filter(unit__in=[*study.treated_units, *study.comparison_units])
    if study.period_from is not None:
        rows = rows.filter(period__gte=study.period_from)
    if study.period_to is not None:
        rows = rows.filter(period__lte=study.period_to)
    data = tuple(PanelRow(unit=r.unit, period=r.period, outcome=r.outcome,
                          covariates=tuple(r.covariates))
                 for r in rows.order_by("unit", "period").iterator(chunk_size=5000))
    return panel_validate(PanelInput(rows=data,
                                     treatment_start=dict.fromkeys(study.treated_units, study.treatment_start),
                                     covariate_names=tuple(study.panel.covariate_names)))


def _check_inputs(panel: CounterfactualPanel, *, treated: list[str], comparison: list[str],
                  period_from: int | None, period_to: int | None) -> None:
    known = set(panel_units(panel))
    if not treated:
        raise StudyInputError("no_treated_unit")
    if not comparison:
        raise StudyInputError("no_comparison_unit")
    if not set(treated) | set(comparison) <= known:
        raise StudyInputError("unknown_unit")
    if set(treated) & set(comparison):
        raise StudyInputError("overlapping_units")
    if period_from is not None and period_to is not None and period_from > period_to:
        raise StudyInputError("bad_periods")


def study_create(*, actor: Any, panel: CounterfactualPanel, name: str, method: str,
                 treated: list[str], comparison: list[str], treatment_start: int,
                 period_from: int | None = None, period_to: int | None = None,
                 confidence: float = 0.95, start_job: bool = True) -> CounterfactualStudy:
    """Check the selection with the engine's panel rules (so that a DiD with one unit or no
    pre-period is refused before anything is saved), then save the study and queue its run."""
    _check_inputs(panel, treated=treated, comparison=comparison, period_from=period_from,
                  period_to=period_to)
    study = CounterfactualStudy(
        organisation=panel.organisation, panel=panel, name=name, method=method,
        treated_units=sorted(treated), comparison_units=sorted(comparison),
        treatment_start=treatment_start, period_from=period_from, period_to=period_to,
        confidence=confidence, created_by=actor)
    try:
        study_panel(study)
    except CounterfactualError as exc:
        raise StudyInputError(exc.code, **dict(exc.params)) from exc
    with transaction.atomic():
        study.full_clean()
        study.save()
        audit_record(action="asis.impact.counterfactual.study_created", actor=actor, obj=study,
                     after={"method": method, "panel": panel.name, "treated": study.treated_units,
                            "comparison": study.comparison_units, "start": treatment_start},
                     organisation_id=panel.organisation_id)
        if start_job:
            study.job = job_start(kind=JOB_KIND, owner=actor, params={"study_id": study.pk})
            study.save(update_fields=["job"])
    return study


def _as_dict(result: Any) -> dict[str, Any]:
    return dict(json_safe(dataclasses.asdict(result)))


def _unit_level(panel: Panel, start: int) -> psm.PsmInput:
    """Matching works on units: the outcome is each unit's mean after the start, the covariates are
    its pre-period means of the panel's covariates and of the outcome (the strongest confounder)."""
    periods = [panel.periods[i] for i in panel.period_index]
    units, treated, outcome, covariates = [], [], [], []
    for u, unit in enumerate(panel.units):
        pre = [i for i in range(panel.n_obs) if panel.unit_index[i] == u and periods[i] < start]
        post = [i for i in range(panel.n_obs) if panel.unit_index[i] == u and periods[i] >= start]
        if not pre or not post:
            continue
        units.append(unit)
        treated.append(unit in panel.treatment_start)
        outcome.append(float(panel.outcome[post].mean()))
        covariates.append((*[float(v) for v in panel.covariates[pre].mean(axis=0)],
                           float(panel.outcome[pre].mean())))
    return psm.psm_input(units, treated, outcome, covariates,
                         (*panel.covariate_names, "pre_period_outcome"))


def study_compute(study: CounterfactualStudy, report: Reporter | None = None) -> dict[str, Any]:
    """Run the study's method on its panel: the result as JSON-ready numbers and codes."""
    tell = report or (lambda fraction, message: None)
    panel = study_panel(study)
    tell(0.2, "panel checked")
    result: dict[str, Any] = {"method": study.method, "units": len(panel.units),
                              "periods": list(panel.periods), "observations": panel.n_obs}
    reading: interpret.Interpretation
    if study.method in (CounterfactualStudy.Method.DID, CounterfactualStudy.Method.EVENT_STUDY):
        estimate = did.did_estimate(panel, confidence=study.confidence)
        tell(0.5, "difference-in-differences estimated")
        study_es = None
        try:
            study_es = did.event_study(panel, confidence=study.confidence)
        except CounterfactualError as exc:
            if study.method == CounterfactualStudy.Method.EVENT_STUDY:
                raise
            result["event_study_error"] = {"code": exc.code, "params": dict(exc.params)}
        result["did"] = _as_dict(estimate)
        if study_es is not None:
            result["event_study"] = _as_dict(study_es)
        reading = (interpret.interpret_event_study(study_es)
                   if study.method == CounterfactualStudy.Method.EVENT_STUDY and study_es is not None
                   else interpret.interpret_did(estimate, study_es))
    elif study.method == CounterfactualStudy.Method.PSM:
        fit = psm.psm_estimate(_unit_level(panel, study.treatment_start), n_bootstrap=BOOTSTRAP_DRAWS,
                               seed=study.pk or 0, confidence=study.confidence)
        result["psm"] = _as_dict(fit)
        reading = interpret.interpret_psm(fit)
    else:
        fit_synth = synth.synth_estimate(panel)
        result["synth"] = _as_dict(fit_synth)
        reading = interpret.interpret_synth(fit_synth, alpha=1.0 - study.confidence)
    tell(0.9, "interpreted")
    result["interpretation"] = _as_dict(reading)
    return result


def study_run(*, actor: Any, study: CounterfactualStudy, report: Reporter | None = None) -> CounterfactualStudy:
    """Compute and store the study's result (or the reason it cannot be estimated), audited."""
    try:
        result = study_compute(study, report)
    except CounterfactualError as exc:
        study.status = CounterfactualStudy.Status.FAILED
        study.result = None
        study.error_code = exc.code
        study.error_params = json_safe(dict(exc.params))
    else:
        study.status = CounterfactualStudy.Status.DONE
        study.result = result
        study.error_code = ""
        study.error_params = {}
    study.finished_at = timezone.now()
    with transaction.atomic():
        study.save(update_fields=["status", "result", "error_code", "error_params", "finished_at"])
        summary: dict[str, Any] = {"status": study.status, "method": study.method}
        if study.result:
            reading = study.result["interpretation"]
            summary.update(estimate=reading["estimate"], ci_low=reading["ci_low"],
                           ci_high=reading["ci_high"], refused=bool(reading["refusals"]))
        else:
            summary["problem"] = study.error_code
        audit_record(action="asis.impact.counterfactual.run", actor=actor, obj=study, after=summary,
                     organisation_id=study.organisation_id)
    return study
