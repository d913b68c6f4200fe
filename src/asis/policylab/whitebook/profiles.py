"""Region profiles of the white book: figures of one region from the observatory, the calls, the
impact reports and the simulations, computed live until the edition is adopted (then
``Paragraph.figures`` holds them, frozen).

The figures are a JSON-serialisable dict of keys and numbers; names are rendered in the reader's
language at display time (stage keys through ``Initiative.Stage``, challenge names kept in the five
languages, scenario names as their owners wrote them)::

    {"version": 1, "region": {"code", "name"},
     "observatory": {"initiatives", "organisations", "people_reached",
                     "by_stage": [{"key", "n"}], "by_challenge": [{"key", "n", "names": {lang: name}}]},
     "calls": {"applications", "funded", "granted_eur"},
     "impact": {"projects_reporting", "validated_reports"},
     "simulation": null | {"comparison_id", "comparison_name", "horizon_years", "indicator": "active",
                           "projections": [{"scenario_id", "scenario", "run_id", "n_runs",
                                            "median", "low", "high", "mean"}]}}

A chapter of 42 profiles is computed with a fixed number of queries (``profiles_figures``): every
figure is counted for all regions at once. The simulation part reads the chosen runs' stored chunk
outputs (one query) for the region's median and 90 % band (5th to 95th percentile over the Monte
Carlo runs); when a run has no stored chunks, only the mean from ``SimulationRun.summary`` is given.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Sum

from asis.accounts.models import Organisation
from asis.calls.models import Application, FundedProject
from asis.impact.models import Report
from asis.observatory.models import Challenge, Initiative
from asis.policylab import adapters
from asis.policylab.models import Comparison, RunChunk, SimulationRun, Visibility
from asis.policylab.models_whitebook import Paragraph
from asis.regions.models import Region

VERSION = 1
INDICATOR = "active"
BAND = (5.0, 95.0)
MEMO = "_profile_figures_memo"
STAGES = tuple(Initiative.Stage.values)


def _int(value: Any) -> int:
    return int(value or 0)


def _simulation_source() -> tuple[Comparison | None, list[SimulationRun]]:
    """The latest public comparison (its runs, the reference first) or else the latest finished run
    of the latest public scenario."""
    comparison = Comparison.objects.filter(visibility=Visibility.PUBLIC).order_by("-created_at").first()
    if comparison is not None:
        runs = list(comparison.runs.filter(status=SimulationRun.Status.SUCCEEDED)
                    .select_related("scenario").order_by("created_at"))
        if runs:
            runs.sort(key=lambda r: (r.pk != comparison.baseline_id, r.created_at))
            return comparison, runs
    run = (SimulationRun.objects.filter(status=SimulationRun.Status.SUCCEEDED,
                                        scenario__visibility=Visibility.PUBLIC, summary__isnull=False)
           .select_related("scenario").order_by("-finished_at", "-created_at").first())
    return None, [run] if run is not None else []


def _run_region_values(runs: list[SimulationRun]) -> dict[Any, dict[str, Any]]:
    """Per run: {"codes", "years", "n_runs", "mean": {code: x}, "values": {code: array of runs} or None}."""
    out: dict[Any, dict[str, Any]] = {}
    chunks: dict[Any, list[RunChunk]] = defaultdict(list)
    if runs:
        for chunk in (RunChunk.objects.filter(run__in=runs, data__isnull=False)
                      .only("run_id", "index", "start", "stop", "data").order_by("run_id", "index")):
            chunks[chunk.run_id].append(chunk)
    for run in runs:
        summary = run.summary or {}
        codes = list(summary.get("codes") or [])
        indicator = (summary.get("indicators") or {}).get(INDICATOR) or {}
        region_mean = indicator.get("region_mean") or []
        mean = dict(zip(codes, region_mean[-1], strict=False)) if region_mean else {}
        values = None
        done = chunks.get(run.pk, [])
        if codes and done and sum(c.stop - c.start for c in done) == run.n_runs:
            arrays = [adapters.chunk_from_bytes(c.data, start=c.start, stop=c.stop, codes=tuple(codes))
                      .data[INDICATOR][:, -1, :] for c in done]
            stacked = np.concatenate(arrays, axis=0)  # (runs, regions) at the horizon
            values = {code: stacked[:, i] for i, code in enumerate(codes)}
        out[run.pk] = {"codes": codes, "years": len(summary.get("years") or []), "mean": mean, "values": values,
                       "n_runs": int(summary.get("n_runs") or run.n_runs)}
    return out


def _projection(run: SimulationRun, data: dict[str, Any], code: str) -> dict[str, Any] | None:
    if code not in data["mean"] and (data["values"] is None or code not in data["values"]):
        return None
    item: dict[str, Any] = {"scenario_id": str(run.scenario_id), "scenario": run.scenario.name,
                            "run_id": str(run.pk), "n_runs": data["n_runs"],
                            "mean": round(float(data["mean"].get(code, 0.0)), 2),
                            "median": None, "low": None, "high": None}
    if data["values"] is not None:
        values = data["values"][code]
        low, median, high = np.percentile(values, [BAND[0], 50.0, BAND[1]])
        item.update(median=round(float(median), 2), low=round(float(low), 2), high=round(float(high), 2))
    return item


def figures_for_regions(regions: Iterable[Region]) -> dict[str, dict[str, Any]]:
    """Figures of every region given, keyed by NUTS code, with a fixed number of queries."""
    regions = list(regions)
    codes = [r.code for r in regions]
    ids = {r.pk: r.code for r in regions}
    published = Initiative.objects.filter(status=Initiative.Status.PUBLISHED, regions__in=list(ids))
    totals = {row["regions"]: row for row in published.values("regions").annotate(
        n=Count("pk", distinct=True), people=Sum("people_reached")).order_by()}
    stages: dict[int, dict[str, int]] = defaultdict(dict)
    for row in published.values("regions", "stage").annotate(n=Count("pk", distinct=True)).order_by():
        stages[row["regions"]][row["stage"]] = row["n"]
    challenge_counts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for row in (published.filter(challenges__isnull=False).values("regions", "challenges")
                .annotate(n=Count("pk", distinct=True)).order_by()):
        challenge_counts[row["regions"]].append((row["challenges"], row["n"]))
    challenges = {c.pk: c for c in Challenge.objects.filter(
        pk__in={cid for rows in challenge_counts.values() for cid, _n in rows})}
    organisations = dict(Organisation.objects.filter(status=Organisation.Status.PUBLISHED, region__in=list(ids))
                         .values("region").annotate(n=Count("pk")).values_list("region", "n").order_by())
    applications = dict(Application.objects.filter(region__in=list(ids), status=Application.Status.SUBMITTED)
                        .values("region").annotate(n=Count("pk")).values_list("region", "n").order_by())
    funded = {row["application__region"]: row for row in FundedProject.objects.filter(
        application__region__in=list(ids)).values("application__region").annotate(
        n=Count("pk"), granted=Sum("grant")).order_by()}
    reports = {row["project__application__region"]: row for row in Report.objects.filter(
        status=Report.Status.VALIDATED, project__application__region__in=list(ids)).values(
        "project__application__region").annotate(projects=Count("project", distinct=True),
                                                  reports=Count("pk")).order_by()}
    comparison, runs = _simulation_source()
    run_data = _run_region_values(runs)

    out: dict[str, dict[str, Any]] = {}
    for region in regions:
        pk = region.pk
        total = totals.get(pk, {})
        by_challenge = sorted(challenge_counts.get(pk, []), key=lambda item: (
            -item[1], challenges[item[0]].position, challenges[item[0]].code))
        simulation = None
        projections = [p for run in runs if (p := _projection(run, run_data[run.pk], region.code))]
        if projections:
            simulation = {"comparison_id": str(comparison.pk) if comparison else None,
                          "comparison_name": comparison.name if comparison else "",
                          "horizon_years": run_data[runs[0].pk]["years"], "indicator": INDICATOR,
                          "projections": projections}
        fund = funded.get(pk, {})
        report = reports.get(pk, {})
        out[region.code] = {
            "version": VERSION,
            "region": {"code": region.code, "name": region.name},
            "observatory": {
                "initiatives": _int(total.get("n")),
                "organisations": _int(organisations.get(pk)),
                "people_reached": _int(total.get("people")),
                "by_stage": [{"key": s, "n": stages[pk][s]} for s in STAGES if stages.get(pk, {}).get(s)],
                "by_challenge": [{"key": challenges[cid].code, "n": n, "names": {
                    lang: str(challenges[cid].translated("name", lang)) for lang in settings.LANGUAGE_CODES}}
                    for cid, n in by_challenge],
            },
            "calls": {"applications": _int(applications.get(pk)), "funded": _int(fund.get("n")),
                      "granted_eur": float(fund.get("granted") or 0)},
            "impact": {"projects_reporting": _int(report.get("projects")),
                       "validated_reports": _int(report.get("reports"))},
            "simulation": simulation,
        }
    assert set(out) == set(codes)
    return out


def profiles_figures(paragraphs: Iterable[Paragraph]) -> dict[int, dict[str, Any]]:
    """Figures of many region-profile paragraphs (a chapter), keyed by paragraph id: frozen ones as
    stored, the others computed together (a fixed number of queries however many regions)."""
    paragraphs = list(paragraphs)
    out: dict[int, dict[str, Any]] = {}
    live = [p for p in paragraphs if p.figures is None and p.region_id is not None]
    for p in paragraphs:
        if p.figures is not None:
            out[p.pk] = p.figures
        elif p.region_id is None:
            out[p.pk] = {}
    if live:
        regions = Region.objects.filter(pk__in={p.region_id for p in live}).defer("geometry")
        by_code = figures_for_regions(regions)
        code_of = dict(regions.values_list("pk", "code"))
        for p in live:
            out[p.pk] = by_code[code_of[p.region_id]]
    return out


def profile_figures(paragraph: Paragraph) -> dict[str, Any]:
    """Figures of a REGION_PROFILE paragraph: the frozen ones once the edition is adopted, computed
    live until then; ``{}`` for a paragraph without a region.

    The first live paragraph asked for computes its whole chapter's profiles at once and keeps them
    on the chapter instance, so a page looping over ``chapter.paragraphs.all()`` (which share their
    chapter object) costs a fixed number of queries, not a dozen per region."""
    if paragraph.figures is not None:
        return paragraph.figures
    if paragraph.region_id is None:
        return {}
    chapter = paragraph.chapter
    memo: dict[int, dict[str, Any]] | None = getattr(chapter, MEMO, None)
    if memo is None or paragraph.region_id not in memo:
        siblings = list(Paragraph.objects.filter(chapter_id=chapter.pk, kind=Paragraph.Kind.REGION_PROFILE,
                                                 figures__isnull=True, region__isnull=False)
                        .values_list("region_id", flat=True))
        region_ids = set(siblings) | {paragraph.region_id}
        by_code = figures_for_regions(Region.objects.filter(pk__in=region_ids).defer("geometry"))
        memo = {rid: by_code[code] for rid, code in
                Region.objects.filter(pk__in=region_ids).values_list("pk", "code")}
        setattr(chapter, MEMO, memo)
    return memo[paragraph.region_id]


def profile_freeze(paragraphs: Iterable[Paragraph]) -> int:
    """Store the live figures on region-profile paragraphs (called inside the adoption's transaction
    by the lifecycle; no audit of its own). Returns how many were frozen."""
    paragraphs = [p for p in paragraphs if p.kind == Paragraph.Kind.REGION_PROFILE and p.figures is None]
    figures = profiles_figures(paragraphs)
    for p in paragraphs:
        p.figures = figures[p.pk]
    Paragraph.objects.bulk_update(paragraphs, ["figures"])
    return len(paragraphs)


__all__ = ["figures_for_regions", "profile_figures", "profile_freeze", "profiles_figures"]
