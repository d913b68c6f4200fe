"""Facts for a plain-language reading of a result, or a refusal when its assumptions visibly fail.

The engine decides *what* may be said; the app says it in the reader's language. Every result
states its estimate, interval (or placebo p-value) and confidence, and the assumptions that must
hold for it to be read as an effect. Refusals (codes with their facts):

* ``pre_trends``: the event study's joint pre-trend test rejects at ``PRE_TREND_ALPHA``;
* ``lead_far_from_zero``: a lead's interval lies more than one standard error clear of zero
  (``|estimate| > (t_crit + 1) * se``), visible in the plot even when the joint test is weak;
* ``poor_balance``: a covariate keeps ``|SMD| > MAX_ABS_SMD`` after matching (Austin 2009);
* ``poor_pre_fit``: the synthetic unit's pre-period RMSPE exceeds ``MAX_PRE_FIT_SHARE`` of the
  standard deviation of the outcome over all units in the pre-period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scipy import stats

from asis.engines.counterfactual.did import DidResult, EventStudyResult
from asis.engines.counterfactual.psm import PsmResult
from asis.engines.counterfactual.synth import SynthResult

PRE_TREND_ALPHA = 0.05
MAX_ABS_SMD = 0.1
MAX_PRE_FIT_SHARE = 0.2

DID_ASSUMPTIONS = ("parallel_trends", "no_anticipation", "sutva")
PSM_ASSUMPTIONS = ("no_unobserved_confounding", "overlap", "sutva")
SYNTH_ASSUMPTIONS = ("good_pre_fit", "no_anticipation", "no_spillover")


@dataclass(frozen=True)
class Refusal:
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Interpretation:
    """``direction`` is ``"increase"``, ``"decrease"`` or ``"unclear"`` (the interval, or the
    placebo test, does not exclude no effect)."""

    method: str
    estimate: float
    ci_low: float | None
    ci_high: float | None
    confidence: float
    p_value: float | None
    direction: str
    assumptions: tuple[str, ...]
    refusals: tuple[Refusal, ...]
    checks: tuple[str, ...]

    @property
    def refused(self) -> bool:
        return bool(self.refusals)


def _direction(low: float, high: float) -> str:
    if low > 0:
        return "increase"
    if high < 0:
        return "decrease"
    return "unclear"


def _event_study_refusals(study: EventStudyResult) -> list[Refusal]:
    refusals = []
    test = study.pre_trend
    if test is not None and test.p_value < PRE_TREND_ALPHA:
        refusals.append(Refusal("pre_trends", {"p_value": test.p_value,
                                               "alpha": PRE_TREND_ALPHA}))
    crit = float(stats.t.ppf(0.5 + study.confidence / 2.0, study.n_units - 1))
    for lead in study.leads:
        e = lead.estimate
        if abs(e.estimate) > (crit + 1.0) * e.std_error:
            refusals.append(Refusal("lead_far_from_zero", {
                "event_time": lead.event_time, "estimate": e.estimate,
                "ci_low": e.ci_low, "ci_high": e.ci_high}))
    return refusals


def interpret_did(result: DidResult, study: EventStudyResult | None = None) -> Interpretation:
    """DiD with, when the panel has two pre-periods or more, its event study's checks."""
    e = result.effect
    checks = ("pre_trends_tested",) if study is not None and study.pre_trend is not None else (
        "pre_trends_untestable",)
    refusals = _event_study_refusals(study) if study is not None else []
    return Interpretation(
        method="did", estimate=e.estimate, ci_low=e.ci_low, ci_high=e.ci_high,
        confidence=result.confidence, p_value=e.p_value, direction=_direction(e.ci_low, e.ci_high),
        assumptions=DID_ASSUMPTIONS, refusals=tuple(refusals), checks=checks,
    )


def interpret_event_study(study: EventStudyResult) -> Interpretation:
    """The average of the lags (equal weights) as the headline, with the leads' checks."""
    lags = study.lags
    mean = sum(c.estimate.estimate for c in lags) / len(lags)
    low = min(c.estimate.ci_low for c in lags)
    high = max(c.estimate.ci_high for c in lags)
    direction = "increase" if all(c.estimate.ci_low > 0 for c in lags) else (
        "decrease" if all(c.estimate.ci_high < 0 for c in lags) else "unclear")
    checks = ("pre_trends_tested",) if study.pre_trend is not None else ("pre_trends_untestable",)
    return Interpretation(
        method="event_study", estimate=mean, ci_low=low, ci_high=high,
        confidence=study.confidence,
        p_value=study.pre_trend.p_value if study.pre_trend is not None else 1.0,
        direction=direction, assumptions=DID_ASSUMPTIONS,
        refusals=tuple(_event_study_refusals(study)), checks=checks,
    )


def interpret_psm(result: PsmResult) -> Interpretation:
    refusals = [Refusal("poor_balance", {"covariate": b.covariate, "smd": b.smd_after,
                                         "limit": MAX_ABS_SMD})
                for b in result.balance if abs(b.smd_after) > MAX_ABS_SMD]
    return Interpretation(
        method="psm", estimate=result.att, ci_low=result.ci_low, ci_high=result.ci_high,
        confidence=result.confidence, p_value=None,
        direction=_direction(result.ci_low, result.ci_high), assumptions=PSM_ASSUMPTIONS,
        refusals=tuple(refusals), checks=("balance_checked",),
    )


def interpret_synth(result: SynthResult, *, alpha: float = 0.05) -> Interpretation:
    refusals = []
    limit = MAX_PRE_FIT_SHARE * result.outcome_sd
    if result.pre_rmspe > limit:
        refusals.append(Refusal("poor_pre_fit", {"rmspe": result.pre_rmspe, "limit": limit,
                                                 "share": MAX_PRE_FIT_SHARE}))
    significant = result.p_value <= alpha
    direction = ("increase" if result.average_effect > 0 else "decrease") if significant else (
        "unclear")
    return Interpretation(
        method="synth", estimate=result.average_effect, ci_low=None, ci_high=None,
        confidence=1.0 - alpha, p_value=result.p_value, direction=direction,
        assumptions=SYNTH_ASSUMPTIONS, refusals=tuple(refusals), checks=("placebo_in_space",),
    )
