"""A stored result as what the result page and the PDF show: sentences in the reader's language,
chart geometry and the tables beside the charts. Numbers go through the locale's formatting."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from asis.core.formatting import number, percent
from asis.impact.counterfactual import charts, messages
from asis.impact.models_counterfactual import CounterfactualStudy


def _n(value: Any, decimals: int = 2) -> str:
    return "–" if value is None else number(value, decimals)


def headline(study: CounterfactualStudy, reading: dict[str, Any]) -> str:
    values = {"estimate": _n(reading["estimate"]), "low": _n(reading["ci_low"]),
              "high": _n(reading["ci_high"]), "confidence": percent(reading["confidence"]),
              "outcome": study.panel.outcome_label, "p_value": _n(reading["p_value"], 3)}
    method = reading["method"]
    if method == "synth":
        text = _("Estimated effect on “%(outcome)s”: %(estimate)s on average after the policy "
                 "(synthetic control; placebo p-value %(p_value)s).") % values
    elif method == "psm":
        text = _("Estimated effect on “%(outcome)s” for the treated units: %(estimate)s "
                 "(%(confidence)s interval %(low)s to %(high)s).") % values
    elif method == "event_study":
        text = _("Estimated effect on “%(outcome)s”: %(estimate)s on average over the periods after "
                 "the policy (the periods' %(confidence)s intervals span %(low)s to %(high)s).") % values
    else:
        text = _("Estimated effect on “%(outcome)s”: %(estimate)s (%(confidence)s interval "
                 "%(low)s to %(high)s).") % values
    return text


def direction_text(reading: dict[str, Any]) -> str:
    direction = reading["direction"]
    if direction == "increase":
        return _("The policy raised the outcome: the interval lies above zero.")
    if direction == "decrease":
        return _("The policy lowered the outcome: the interval lies below zero.")
    return _("The data do not show a clear effect: no effect at all is within the interval.")


def interpretation(study: CounterfactualStudy) -> dict[str, Any]:
    reading = (study.result or {})["interpretation"]
    refused = bool(reading["refusals"])
    return {
        "refused": refused,
        "headline": headline(study, reading),
        "direction": "" if refused else direction_text(reading),
        "refusals": [messages.refusal_text(r["code"], r["params"]) for r in reading["refusals"]],
        "assumptions": [str(messages.ASSUMPTIONS[a]) for a in reading["assumptions"]],
        "checks": [str(messages.CHECKS[c]) for c in reading["checks"]],
    }


def event_study_view(result: dict[str, Any]) -> dict[str, Any] | None:
    study = result.get("event_study")
    if not study:
        return None
    coefficients = study["coefficients"]
    plot = charts.event_plot([(c["event_time"], c["estimate"]["estimate"], c["estimate"]["ci_low"],
                               c["estimate"]["ci_high"], c["reference"]) for c in coefficients])
    rows = [{"event_time": c["event_time"], "estimate": _n(c["estimate"]["estimate"]),
             "low": _n(c["estimate"]["ci_low"]), "high": _n(c["estimate"]["ci_high"]),
             "reference": c["reference"]} for c in coefficients]
    pre = study["pre_trend"]
    pre_text = (_("Joint test that every period before the policy shows no difference: F = "
                  "%(f)s, p = %(p)s.") % {"f": _n(pre["statistic"]), "p": _n(pre["p_value"], 3)}
                if pre else _("With one period before the policy there is nothing to test."))
    return {"plot": plot, "rows": rows, "pre_trend": pre_text}


def synth_view(result: dict[str, Any]) -> dict[str, Any] | None:
    fit = result.get("synth")
    if not fit:
        return None
    plot = charts.series_plot(fit["periods"], [fit["actual"], fit["synthetic"]], fit["start"])
    rows = [{"period": p, "actual": _n(a), "synthetic": _n(s), "gap": _n(a - s)}
            for p, a, s in zip(fit["periods"], fit["actual"], fit["synthetic"], strict=True)]
    weights = [{"unit": w["unit"], "weight": percent(w["weight"], 1)}
               for w in sorted(fit["weights"], key=lambda w: -w["weight"]) if w["weight"] >= 0.001]
    return {"plot": plot, "rows": rows, "weights": weights, "treated": fit["treated_unit"],
            "pre_rmspe": _n(fit["pre_rmspe"]), "ratio": _n(fit["ratio"]),
            "p_value": _n(fit["p_value"], 3), "placebos": len(fit["placebos"])}


def psm_view(result: dict[str, Any]) -> dict[str, Any] | None:
    fit = result.get("psm")
    if not fit:
        return None
    names = {"pre_period_outcome": _("Outcome before the policy")}
    rows = [{"covariate": names.get(b["covariate"], b["covariate"]),
             "before": _n(b["smd_before"], 3), "after": _n(b["smd_after"], 3),
             "poor": abs(b["smd_after"]) > 0.1} for b in fit["balance"]]
    return {"rows": rows, "matched": fit["n_matched"], "treated": fit["n_treated"],
            "used": fit["n_comparison_used"], "caliper": _n(fit["caliper"], 3),
            "draws": fit["n_bootstrap"]}


def did_view(result: dict[str, Any]) -> dict[str, Any] | None:
    fit = result.get("did")
    if not fit:
        return None
    means = fit.get("group_means")
    return {"estimate": _n(fit["effect"]["estimate"]), "se": _n(fit["effect"]["std_error"]),
            "low": _n(fit["effect"]["ci_low"]), "high": _n(fit["effect"]["ci_high"]),
            "p_value": _n(fit["effect"]["p_value"], 3), "units": fit["n_units"],
            "treated_units": fit["n_treated_units"], "periods": fit["n_periods"],
            "observations": fit["n_obs"],
            "means": None if not means else {k: _n(v) for k, v in means.items()}}


def result_context(study: CounterfactualStudy) -> dict[str, Any]:
    if study.status != CounterfactualStudy.Status.DONE or not study.result:
        problem = (messages.error_text(study.error_code, study.error_params)
                   if study.status == CounterfactualStudy.Status.FAILED else "")
        return {"ready": False, "problem": problem}
    result = study.result
    event_error = result.get("event_study_error")
    return {"ready": True, "reading": interpretation(study), "did": did_view(result),
            "event": event_study_view(result), "synth": synth_view(result), "psm": psm_view(result),
            "event_error": messages.error_text(event_error["code"], event_error["params"])
            if event_error else ""}
