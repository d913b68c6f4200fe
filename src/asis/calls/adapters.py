"""From the database to the engine's types (``asis.engines.assess``), in bulk.

Only what the engine should see goes in: scores of SUBMITTED reviews of applications that are
submitted (not withdrawn) and screened eligible, from evaluators with no recorded conflict of
interest on the application. Evaluators enter under a pseudonym (``E1``, ``E2`` ... by the order
in which they were invited to the call), so the engine's output never names anyone.

Every load is a handful of ``values_list`` queries (no model instances), so a call with 5,000
applications x 3 reviews x 11 criteria loads in well under a second.

Group labels for the portfolio (``CostRecord.groups`` maps one dimension to ONE label):
``region`` (NUTS-2 code), ``country``, ``challenge`` (the first challenge code, for display) and,
because an application may address several challenges, one indicator dimension per challenge
``challenge:<code>`` = ``"1"``. A constraint on ``{"dimension": "challenge", "group": "X"}`` is
turned into the engine constraint ``dimension "challenge:X", group "1"``, so it counts every
application that addresses X, not only those that list it first.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Sum
from django.utils.translation import gettext as _

from asis.calls.models import (
    Application,
    Call,
    ConflictOfInterest,
    ConsensusScore,
    Evaluator,
    ReviewScore,
)
from asis.engines import assess as engine
from asis.engines.errors import InvalidInputError
from asis.engines.grids import Grid, load_builtin
from asis.engines.portfolio import GroupConstraint


@dataclass(frozen=True)
class ApplicationInfo:
    """What the results pages show about an application beside its scores."""

    id: int
    reference: str
    title: str
    region: str
    country: str
    challenges: tuple[str, ...]
    requested: float
    organisation: str


@dataclass(frozen=True)
class CallInputs:
    grid: Grid
    scores: tuple[engine.ScoreRecord, ...]
    consensus: tuple[engine.ConsensusScore, ...]
    costs: tuple[engine.CostRecord, ...]
    funding: engine.FundingRules
    options: engine.AssessOptions
    applications: Mapping[str, ApplicationInfo]
    excluded: tuple[dict[str, Any], ...] = ()
    evaluator_aliases: Mapping[int, str] = field(default_factory=dict)

    def digest(self) -> str:
        """SHA-256 of everything the engine reads (canonical JSON), to tell whether results are current."""
        payload = {
            "grid": self.grid.to_dict(),
            "scores": sorted((s.application, s.evaluator, s.criterion, s.score) for s in self.scores),
            "consensus": sorted((c.application, c.criterion, c.score, c.reason) for c in self.consensus),
            "costs": sorted((c.application, c.cost, sorted(c.groups.items())) for c in self.costs),
            "funding": _funding_dict(self.funding),
            "options": _options_dict(self.options),
        }
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _funding_dict(funding: engine.FundingRules) -> dict[str, Any]:
    return {"budget": funding.budget, "min_score": funding.min_score, "allow_partial": funding.allow_partial,
            "min_fraction": funding.min_fraction,
            "groups": [[g.dimension, g.group, g.min_count, g.max_count, g.min_share, g.max_share]
                       for g in funding.groups]}


def _options_dict(options: engine.AssessOptions) -> dict[str, Any]:
    return {"method": options.method, "aggregation": options.aggregation, "trim": options.trim,
            "calibration": options.calibration, "smaa_draws": options.smaa_draws, "seed": options.seed}


# --- configuration -------------------------------------------------------------------------------

def call_grid(call: Call, weights: Mapping[str, float] | None = None) -> Grid:
    """The call's grid (its own copy, else the template it names), optionally with other weights."""
    data = call.grid or load_builtin(call.grid_template or "asis").to_dict()
    if weights:
        data = json.loads(json.dumps(data))
        for criterion in data["criteria"]:
            if criterion["id"] in weights:
                criterion["weight"] = float(weights[criterion["id"]])
    return Grid.from_dict(data)


def group_constraints(constraints: Mapping[str, Any] | None) -> tuple[GroupConstraint, ...]:
    """The call's ``portfolio_constraints["groups"]`` as engine constraints (see module docstring)."""
    out = []
    for item in (constraints or {}).get("groups") or []:
        dimension, group = str(item.get("dimension", "")), str(item.get("group", ""))
        if dimension == "challenge":
            dimension, group = f"challenge:{group}", "1"
        out.append(GroupConstraint(
            dimension=dimension, group=group,
            min_count=_int_or_none(item.get("min_count")), max_count=_int_or_none(item.get("max_count")),
            min_share=_float_or_none(item.get("min_share")), max_share=_float_or_none(item.get("max_share"))))
    return tuple(out)


def _int_or_none(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def funding_rules(call: Call, *, time_limit: float = 10.0) -> engine.FundingRules:
    constraints = call.portfolio_constraints or {}
    return engine.FundingRules(
        budget=float(call.budget),
        groups=group_constraints(constraints),
        min_score=_float_or_none(constraints.get("min_score")),
        allow_partial=bool(constraints.get("allow_partial", False)),
        min_fraction=float(constraints.get("min_fraction") or 1.0),
        time_limit=time_limit,
    )


def assess_options(call: Call) -> engine.AssessOptions:
    """Options of the call; the SMAA seed is the call's id, so a recomputation draws the same sample."""
    method = call.primary_method if call.primary_method in engine.METHODS else "weighted_sum"
    return engine.AssessOptions(method=method, aggregation=call.aggregation,  # type: ignore[arg-type]
                                calibration=call.calibration,  # type: ignore[arg-type]
                                smaa_draws=int(call.smaa_draws or 0), seed=int(call.pk))


def ranking_methods(call: Call) -> list[str]:
    """The primary method first, then the other configured ones (known to the engine only)."""
    methods = [call.primary_method] + [m for m in (call.ranking_methods or []) if m != call.primary_method]
    return [m for m in methods if m in engine.METHODS]


# --- data ----------------------------------------------------------------------------------------

def rankable_applications(call: Call) -> Any:
    return Application.objects.filter(call=call, status=Application.Status.SUBMITTED,
                                      eligibility=Application.Eligibility.ELIGIBLE)


def evaluator_aliases(call: Call) -> dict[int, str]:
    """Evaluator id -> pseudonym ``E<n>``, numbered by invitation order (stable for a call)."""
    ids = Evaluator.objects.filter(call=call).order_by("pk").values_list("pk", flat=True)
    return {pk: f"E{n}" for n, pk in enumerate(ids, start=1)}


def application_infos(call: Call) -> dict[str, ApplicationInfo]:
    rows = rankable_applications(call).values_list(
        "pk", "reference", "title", "region__code", "region__country", "requested_amount", "organisation__name")
    challenges: dict[int, list[str]] = defaultdict(list)
    for app_id, code in (Application.challenges.through.objects
                         .filter(application__in=rankable_applications(call))
                         .order_by("challenge__code").values_list("application_id", "challenge__code")):
        challenges[app_id].append(code)
    return {str(pk): ApplicationInfo(id=pk, reference=ref, title=title, region=region or "", country=country or "",
                                     challenges=tuple(challenges.get(pk, ())),
                                     requested=float(amount or 0), organisation=org or "")
            for pk, ref, title, region, country, amount, org in rows}


def load_inputs(call: Call, *, weights: Mapping[str, float] | None = None) -> CallInputs:
    """Everything :func:`asis.engines.assess.assess` needs for ``call``, from a few bulk queries."""
    grid = call_grid(call, weights)
    criteria = set(grid.criterion_ids)
    infos = application_infos(call)
    aliases = evaluator_aliases(call)
    conflicted = set(ConflictOfInterest.objects.filter(application__call=call)
                     .values_list("evaluator_id", "application_id"))
    rows = (ReviewScore.objects
            .filter(review__status="submitted", review__assignment__application__call=call,
                    review__assignment__application__status=Application.Status.SUBMITTED,
                    review__assignment__application__eligibility=Application.Eligibility.ELIGIBLE,
                    score__isnull=False, criterion__in=criteria)
            .values_list("review__assignment__application_id", "review__assignment__evaluator_id",
                         "criterion", "score"))
    scores: list[engine.ScoreRecord] = []
    covered: dict[str, set[str]] = defaultdict(set)
    for app_id, evaluator_id, criterion, score in rows.iterator(chunk_size=5000):
        if (evaluator_id, app_id) in conflicted:
            continue
        key = str(app_id)
        scores.append(engine.ScoreRecord(key, aliases.get(evaluator_id, f"E?{evaluator_id}"), criterion,
                                         float(score)))
        covered[key].add(criterion)
    consensus_rows = list(ConsensusScore.objects
                          .filter(application__in=rankable_applications(call), criterion__in=criteria)
                          .values_list("application_id", "criterion", "score", "reason"))
    for app_id, criterion, _score, _reason in consensus_rows:
        covered[str(app_id)].add(criterion)
    excluded: list[dict[str, Any]] = []
    complete = {key for key, crits in covered.items() if crits >= criteria}
    for key, info in infos.items():
        if key in complete:
            continue
        missing = sorted(criteria - covered.get(key, set()))
        excluded.append({"id": info.id, "reference": info.reference, "title": info.title,
                         "reason": "no submitted review" if key not in covered else "missing criteria",
                         "missing": missing})
    scores = [s for s in scores if s.application in complete]
    consensus = tuple(engine.ConsensusScore(str(a), c, float(s), r or "") for a, c, s, r in consensus_rows
                      if str(a) in complete)
    costs = tuple(engine.CostRecord(key, infos[key].requested, groups_of(infos[key]))
                  for key in sorted(complete, key=int) if key in infos)
    return CallInputs(grid=grid, scores=tuple(scores), consensus=consensus, costs=costs,
                      funding=funding_rules(call), options=assess_options(call),
                      applications={k: v for k, v in infos.items() if k in complete},
                      excluded=tuple(sorted(excluded, key=lambda e: e["reference"])),
                      evaluator_aliases=aliases)


def groups_of(info: ApplicationInfo) -> dict[str, str]:
    groups = {"region": info.region, "country": info.country}
    if info.challenges:
        groups["challenge"] = info.challenges[0]
    for code in info.challenges:
        groups[f"challenge:{code}"] = "1"
    return groups


def inputs_fingerprint(call: Call) -> str:
    """A cheap digest of what may change the inputs (three aggregate queries, no rows loaded).

    Counts, exact decimal sums and latest change times of the submitted scores, the consensus
    scores and the rankable applications, plus the call's evaluation configuration. It differs
    from the stored one as soon as a score, a consensus, a screening or the configuration changes,
    which is what the results page needs to say "these results are out of date".
    """
    scores = (ReviewScore.objects
              .filter(review__status="submitted", review__assignment__application__call=call,
                      review__assignment__application__status=Application.Status.SUBMITTED,
                      review__assignment__application__eligibility=Application.Eligibility.ELIGIBLE)
              .aggregate(n=Count("pk"), total=Sum("score"), changed=Max("review__updated_at")))
    consensus = (ConsensusScore.objects.filter(application__call=call)
                 .aggregate(n=Count("pk"), total=Sum("score"), changed=Max("set_at")))
    apps = rankable_applications(call).aggregate(n=Count("pk"), total=Sum("requested_amount"),
                                                 changed=Max("updated_at"))
    config = {"grid": call.grid, "budget": call.budget, "constraints": call.portfolio_constraints,
              "aggregation": call.aggregation, "calibration": call.calibration, "methods": call.ranking_methods,
              "primary": call.primary_method, "smaa": call.smaa_draws, "conflicts":
              ConflictOfInterest.objects.filter(application__call=call).count()}
    text = json.dumps([scores, consensus, apps, config], sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def parse_weights(grid: Grid, raw: Mapping[str, Any]) -> tuple[dict[str, float], dict[str, str]]:
    """Weights from a form or query (criterion id -> number >= 0); returns (weights, errors)."""
    weights: dict[str, float] = {}
    errors: dict[str, str] = {}
    for criterion in grid.criteria:
        value = raw.get(criterion.id)
        if value is None or str(value).strip() == "":
            value = criterion.weight
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[criterion.id] = _("Enter a number.")
            continue
        if not number >= 0 or number > 1000:
            errors[criterion.id] = _("Enter a number from 0 to 1000.")
            continue
        weights[criterion.id] = number
    if not errors and sum(weights.values()) <= 0:
        errors["__all__"] = _("At least one weight must be above zero.")
    return weights, errors


__all__ = ["ApplicationInfo", "CallInputs", "InvalidInputError", "application_infos", "assess_options",
           "call_grid", "evaluator_aliases", "funding_rules", "group_constraints", "inputs_fingerprint",
           "load_inputs", "parse_weights", "ranking_methods"]
