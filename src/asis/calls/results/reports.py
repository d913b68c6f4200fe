"""PDF reports: one application's evaluation (managers) and a call's method and results.

The application report shows evaluators only under their pseudonyms (``E1``, ``E2``...: the
same ones as in the results); their names and e-mail addresses are also replaced by the pseudonym
inside the comments they wrote, so a report can be shared with the applicant or a panel.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.utils import translation

from asis.calls import adapters
from asis.calls.models import Application, Call, ConsensusScore, Review, ReviewScore
from asis.calls.pdf import render_pdf
from asis.calls.results import charts, readings, reasons, wording
from asis.calls.results import decisions as decision_svc
from asis.calls.results import services as results

RANKING_LIMIT = 200


def _label(criterion: dict[str, Any] | Any, language: str) -> str:
    labels = criterion["label"] if isinstance(criterion, dict) else criterion.label
    return str(labels.get(language) or labels.get("en") or "")


def anonymise(text: str, identities: dict[str, str]) -> str:
    """Replace each name or e-mail address in ``identities`` by its pseudonym (case-insensitive)."""
    for identity, alias in sorted(identities.items(), key=lambda i: -len(i[0])):
        if identity and len(identity) >= 3:
            text = re.sub(re.escape(identity), alias, text, flags=re.IGNORECASE)
    return text


def application_report_context(application: Application, language: str) -> dict[str, Any]:
    call = application.call
    grid = adapters.call_grid(call)
    aliases = adapters.evaluator_aliases(call)
    reviews = list(Review.objects.filter(assignment__application=application, status=Review.Status.SUBMITTED)
                   .select_related("assignment__evaluator__user").order_by("assignment__evaluator_id"))
    identities: dict[str, str] = {}
    for review in reviews:
        user = review.assignment.evaluator.user
        alias = aliases.get(review.assignment.evaluator_id, "E?")
        for identity in (user.email, getattr(user, "full_name", ""), user.email.split("@")[0]):
            if identity:
                identities[identity] = alias
    per_evaluator: dict[str, dict[str, float]] = defaultdict(dict)
    justifications: dict[str, list[tuple[str, str]]] = defaultdict(list)
    labels = {c.id: _label(c, language) for c in grid.criteria}
    for _review_id, evaluator_id, criterion, score, justification in (
            ReviewScore.objects.filter(review__in=reviews).order_by("criterion")
            .values_list("review_id", "review__assignment__evaluator_id", "criterion", "score", "justification")):
        alias = aliases.get(evaluator_id, "E?")
        if score is not None:
            per_evaluator[alias][criterion] = float(score)
        if justification:
            justifications[alias].append((labels.get(criterion, criterion), anonymise(justification, identities)))
    comments = [{"evaluator": aliases.get(r.assignment.evaluator_id, "E?"), "comment": anonymise(r.comment, identities),
                 "justifications": justifications.get(aliases.get(r.assignment.evaluator_id, "E?"), [])}
                for r in reviews]
    latest = results.latest_result(call)
    row = next((r for r in (latest.data.get("applications", []) if latest else []) if r["id"] == application.pk), None)
    if row is not None:
        row = wording.worded(row, wording.criterion_names(latest.data.get("criteria", []), language))
    aggregated = row["criterion_scores"] if row else {
        c: sum(v[c] for v in per_evaluator.values() if c in v) / max(1, sum(1 for v in per_evaluator.values() if c in v))
        for c in grid.criterion_ids if any(c in v for v in per_evaluator.values())}
    evaluators = sorted(per_evaluator, key=lambda a: int(a[1:]) if a[1:].isdigit() else 0)
    criteria = [{"id": c.id, "label": labels[c.id], "weight": w, "min": grid.scale_of(c).minimum,
                 "max": grid.scale_of(c).maximum, "aggregated": aggregated.get(c.id),
                 "scores": [per_evaluator[a].get(c.id) for a in evaluators]}
                for c, w in zip(grid.criteria, grid.weights, strict=True)]
    radar = charts.radar([(c["label"], c["aggregated"] or 0.0, c["min"], c["max"]) for c in criteria
                                  if c["weight"] > 0])
    consensus = [{"criterion": labels.get(c.criterion, c.criterion), "score": c.score, "reason": anonymise(c.reason,
                                                                                                           identities)}
                 for c in ConsensusScore.objects.filter(application=application).order_by("criterion")]
    return {"application": application, "call": call, "language": language, "criteria": criteria,
            "evaluators": evaluators, "comments": comments, "radar": radar, "consensus": consensus, "row": row,
            "result": latest, "title": application.translated("title", language).text}


def application_report_pdf(application: Application, language: str) -> bytes:
    return render_pdf("calls/results/application_report.html", application_report_context(application, language),
                      language=language)


def call_report_context(call: Call, language: str) -> dict[str, Any]:
    grid = adapters.call_grid(call)
    latest = results.latest_result(call)
    data = latest.data if latest else {}
    states = {(s, e): n for s, e, n in Application.objects.filter(call=call).values_list("status", "eligibility")
              .annotate(n=Count("pk")).values_list("status", "eligibility", "n")}
    by_status: dict[str, int] = defaultdict(int)
    for (status, _e), n in states.items():
        by_status[status] += n
    submitted = {e: n for (s, e), n in states.items() if s == Application.Status.SUBMITTED}
    decisions = dict(Application.objects.filter(call=call, status=Application.Status.SUBMITTED)
                     .values_list("decision").annotate(n=Count("pk")).values_list("decision", "n"))
    with translation.override(language):
        status_rows = [(str(label), by_status.get(value, 0)) for value, label in Application.Status.choices]
        eligibility_rows = [(str(label), submitted.get(value, 0)) for value, label in Application.Eligibility.choices]
        decision_rows = [(str(label), decisions.get(value, 0)) for value, label in Application.Decision.choices]
        method_labels = dict(Call.RankingMethod.choices)
        methods = [str(method_labels.get(m, m)) for m in adapters.ranking_methods(call)]
    criteria = [{"id": c.id, "label": _label(c, language), "weight": round(w * 100, 1), "threshold": c.threshold,
                 "scale": f"{grid.scale_of(c).minimum}–{grid.scale_of(c).maximum}"}
                for c, w in zip(grid.criteria, grid.weights, strict=True)]
    rows = charts.with_cumulative([r for r in data.get("applications", []) if r["eligible"]][:RANKING_LIMIT])
    with translation.override(language):
        distribution = charts.named_distribution(data.get("distribution", {}))
        names = [{"id": c["id"], "name": c["label"]} for c in criteria]
        alpha = readings.alpha_rows(data.get("agreement", {}), names)
        icc = readings.icc_rows(data.get("agreement", {}))
        rules_text = reasons.portfolio_rules(call)
        funding_rule = str(call.get_funding_rule_display())
        cands = decision_svc.candidates(call, latest) if latest else []
        funded = decision_svc.funded_now(call) or (decision_svc.proposal(call, cands) if latest else {})
        inversions = decision_svc.explain_inversions(call, cands, funded) if latest else []
        calibration = str(call.get_calibration_display())
        aggregation = str(call.get_aggregation_display())
    return {"call": call, "language": language, "title": call.translated("title", language).text,
            "criteria": criteria, "methods": methods, "result": latest, "data": data, "rows": rows,
            "ranking_limit": RANKING_LIMIT, "status_rows": status_rows, "eligibility_rows": eligibility_rows,
            "decision_rows": decision_rows, "portfolio_rules": rules_text, "funding_rule": funding_rule,
            "inversions": inversions, "justification": (call.decision_justification or {}).get("text", ""),
            "funded_count": len(funded), "funded_total": sum(funded.values()),
            "alpha_rows": alpha, "icc_rows": icc, "calibration": calibration, "aggregation": aggregation,
            "agreement": data.get("agreement", {}), "portfolio": data.get("portfolio", {}),
            "region_chart": charts.amounts_chart(distribution.get("region", []), "funded"),
            "challenge_chart": charts.amounts_chart(distribution.get("challenge", []), "funded")}


def call_report_pdf(call: Call, language: str) -> bytes:
    return render_pdf("calls/results/call_report.html", call_report_context(call, language), language=language)
