"""Writes for SROI analyses: create, save the impact map, run (deterministic result, tornado and
Monte Carlo), and import price index values. Each in one transaction with one audit entry."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from asis.calls.models import Call, FundedProject
from asis.core.audit import audit_record
from asis.core.jobs import job_start
from asis.core.models import Job
from asis.engines.impact import sroi as engine
from asis.impact.models_sroi import PriceIndex, SroiAnalysis, SroiOutcome, SroiRun
from asis.impact.sroi import adapters

JOB_KIND = "impact.sroi_run"
DEFAULT_DRAWS = 100_000
MAX_DRAWS = 1_000_000
ANALYSIS_FIELDS = ("title", "report_year", "country", "investment", "discount_rate", "discount_rate_low",
                   "discount_rate_high", "status")
ROW_FIELDS = ("stakeholder", "outcome", "project_indicator", "quantity", "duration_years", "proxy",
              "proxy_value", "deadweight", "displacement", "attribution", "drop_off", "ranges")


def _snapshot(analysis: SroiAnalysis) -> dict[str, Any]:
    return {
        **{name: getattr(analysis, name) for name in ANALYSIS_FIELDS},
        "outcomes": [{name: (getattr(row, f"{name}_id") if name in ("project_indicator", "proxy")
                             else getattr(row, name)) for name in ROW_FIELDS}
                     for row in analysis.outcomes.all()],
    }


def sroi_create(*, actor: Any, title: str, report_year: int, investment: Decimal,
                project: FundedProject | None = None, call: Call | None = None) -> SroiAnalysis:
    """A new, empty analysis of a project or of a call; the organisation is the call's."""
    funding_call = call if call is not None else project.application.call  # type: ignore[union-attr]
    with transaction.atomic():
        analysis = SroiAnalysis(project=project, call=call, organisation=funding_call.organisation,
                                title=title, report_year=report_year, investment=investment,
                                country=(funding_call.organisation.country or "").upper(),
                                created_by=actor if getattr(actor, "is_authenticated", False) else None)
        analysis.full_clean()
        analysis.save()
        audit_record(action="asis.impact.sroi.saved", actor=actor, obj=analysis, before=None,
                     after=_snapshot(analysis), organisation_id=analysis.organisation_id)
    return analysis


def _rebased_value(analysis: SroiAnalysis, row: Mapping[str, Any]) -> Decimal:
    proxy = row.get("proxy")
    if row.get("proxy_value") is not None:
        return Decimal(row["proxy_value"])
    if proxy is None:
        raise ValidationError(_("Outcome “%(outcome)s”: choose a financial proxy or enter a value per "
                                "unit.") % {"outcome": row.get("outcome", "")})
    country = proxy.country or analysis.country
    try:
        return adapters.rebase_proxy(proxy.value, country=country, from_year=proxy.price_year,
                                     to_year=int(analysis.report_year))
    except engine.SroiInputError as exc:
        raise ValidationError(
            _("Outcome “%(outcome)s”: the proxy “%(proxy)s” is in %(year)s prices and the "
              "price index of %(country)s has no value for %(missing)s. Import the index or enter the value in "
              "%(report_year)s prices.") % {
                "outcome": row.get("outcome", ""), "proxy": proxy.name, "year": proxy.price_year,
                "country": country or "?", "missing": exc.params.get("year"),
                "report_year": analysis.report_year}) from exc


def sroi_save(*, actor: Any, analysis: SroiAnalysis, fields: Mapping[str, Any],
              rows: Sequence[Mapping[str, Any]]) -> SroiAnalysis:
    """Save the analysis' figures and replace its impact map with ``rows`` (cleaned form data).
    The whole map is checked by the engine first: nothing is saved when any row is wrong."""
    with transaction.atomic():
        analysis = SroiAnalysis.objects.select_for_update().get(pk=analysis.pk)
        before = _snapshot(analysis)
        for name in ANALYSIS_FIELDS:
            if name in fields:
                setattr(analysis, name, fields[name])
        analysis.country = (analysis.country or "").upper()
        new_rows = []
        for position, row in enumerate(rows):
            values = {name: row.get(name) for name in ROW_FIELDS}
            values["proxy_value"] = _rebased_value(analysis, row)
            values["ranges"] = values["ranges"] or {}
            new_rows.append(SroiOutcome(analysis=analysis, position=position, **values))
        # The engine's checks first: their messages name the row and the assumption.
        try:
            engine.validate(adapters.impact_map(analysis, new_rows))
        except engine.SroiInputError as exc:
            raise ValidationError(adapters.error_message(exc, new_rows)) from exc
        analysis.full_clean()
        for outcome in new_rows:
            outcome.full_clean(exclude=["analysis"])
        analysis.save()
        analysis.outcomes.all().delete()
        SroiOutcome.objects.bulk_create(new_rows)
        audit_record(action="asis.impact.sroi.saved", actor=actor, obj=analysis, before=before,
                     after=_snapshot(analysis), organisation_id=analysis.organisation_id)
    return analysis


@dataclass(frozen=True)
class Computed:
    impact: engine.ImpactMap
    result: engine.SroiResult
    tornado: engine.Tornado


def sroi_compute(analysis: SroiAnalysis) -> Computed:
    """The deterministic result and tornado of the analysis as it is now (no write)."""
    rows = list(analysis.outcomes.select_related("project_indicator__indicator"))
    impact = adapters.impact_map(analysis, rows)
    try:
        return Computed(impact, engine.evaluate(impact), engine.tornado(impact))
    except engine.SroiInputError as exc:
        raise ValidationError(adapters.error_message(exc, rows)) from exc


def _check_draws(draws: int, seed: int) -> None:
    if not 1 <= draws <= MAX_DRAWS:
        raise ValidationError(_("The number of draws must be a whole number from 1 to %(maximum)s.")
                              % {"maximum": MAX_DRAWS})
    if seed < 0:
        raise ValidationError(_("The seed must be a whole number, zero or more."))


def sroi_run(*, actor: Any, analysis: SroiAnalysis, draws: int = DEFAULT_DRAWS, seed: int = 0,
             job: Job | None = None, report: Callable[[float, str], None] | None = None) -> SroiRun:
    """Compute the analysis with a Monte Carlo of ``draws`` draws and keep the result."""
    _check_draws(draws, seed)
    computed = sroi_compute(analysis)

    def progress(done: int, total: int) -> None:
        if report is not None:
            report(done / total, _("%(done)s of %(total)s draws") % {"done": done, "total": total})

    try:
        monte_carlo = engine.monte_carlo(computed.impact, n_draws=draws, seed=seed, chunk_size=10_000,
                                         progress=progress)
    except engine.SroiInputError as exc:  # pragma: no cover - checked above and by sroi_compute
        raise ValidationError(adapters.error_message(exc)) from exc
    with transaction.atomic():
        run = SroiRun.objects.create(
            analysis=analysis, draws=draws, seed=seed, inputs=adapters.inputs_data(computed.impact),
            result=adapters.result_data(computed.impact, computed.result, computed.tornado, monte_carlo),
            job=job, created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(action="asis.impact.sroi.run", actor=actor, obj=analysis, after={
            "run": run.pk, "draws": draws, "seed": seed, "ratio": computed.result.ratio,
            "mean": monte_carlo.mean, "probability_above_one": monte_carlo.probability_above_one},
            organisation_id=analysis.organisation_id)
    return run


def sroi_run_start(*, actor: Any, analysis: SroiAnalysis, draws: int = DEFAULT_DRAWS, seed: int = 0) -> Job:
    """Queue the run as a background job (progress on the job), after checking it can run."""
    _check_draws(draws, seed)
    sroi_compute(analysis)
    return job_start(kind=JOB_KIND, owner=actor, params={"analysis_id": analysis.pk, "draws": draws, "seed": seed})


@dataclass(frozen=True)
class ImportReport:
    rows: list[tuple[int, str]]  # (line, message) for every refused line
    saved: int

    @property
    def ok(self) -> bool:
        return not self.rows


def price_index_import(*, actor: Any, text: str) -> ImportReport:
    """Import ``country,year,value[,source]`` lines (a header line is allowed). All or nothing: one
    bad line and nothing is saved; the report names every bad line."""
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[str, int, Decimal, str]] = []
    seen: set[tuple[str, int]] = set()
    for line, record in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not record or not "".join(record).strip():
            continue
        if line == 1 and record[0].strip().lower() == "country":
            continue
        if len(record) < 3:
            errors.append((line, _("Needs country, year and value.")))
            continue
        country, year_text, value_text = (part.strip() for part in record[:3])
        source = record[3].strip() if len(record) > 3 else ""
        if len(country) != 2 or not country.isalpha():
            errors.append((line, _("“%(value)s” is not a two-letter country code.") % {"value": country}))
            continue
        try:
            year = int(year_text)
            if not 1950 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors.append((line, _("“%(value)s” is not a year.") % {"value": year_text}))
            continue
        try:
            value = Decimal(value_text)
            if not value.is_finite() or value <= 0 or value >= Decimal("10000000"):
                raise InvalidOperation
        except InvalidOperation:
            errors.append((line, _("“%(value)s” is not a positive index value.") % {"value": value_text}))
            continue
        key = (country.upper(), year)
        if key in seen:
            errors.append((line, _("%(country)s %(year)s appears twice.") % {"country": key[0], "year": year}))
            continue
        seen.add(key)
        parsed.append((key[0], year, value.quantize(Decimal("0.001")), source[:300]))
    if errors:
        return ImportReport(errors, 0)
    if not parsed:
        return ImportReport([(0, _("The file has no index values."))], 0)
    with transaction.atomic():
        for country, year, value, source in parsed:
            defaults: dict[str, Any] = {"value": value}
            if source:
                defaults["source"] = source
            PriceIndex.objects.update_or_create(country=country, year=year, defaults=defaults)
        audit_record(action="asis.impact.price_index.imported", actor=actor, obj=None,
                     after={"values": [[c, y, str(v)] for c, y, v, _s in parsed]})
    return ImportReport([], len(parsed))
