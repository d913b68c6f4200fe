"""What the interpretation may say, and when it refuses."""

import numpy as np
import pytest

from asis.engines.counterfactual.did import (
    DidResult,
    Estimate,
    EventCoefficient,
    EventStudyResult,
    PreTrendTest,
)
from asis.engines.counterfactual.interpret import (
    DID_ASSUMPTIONS,
    PSM_ASSUMPTIONS,
    SYNTH_ASSUMPTIONS,
    interpret_did,
    interpret_event_study,
    interpret_psm,
    interpret_synth,
)
from asis.engines.counterfactual.psm import Balance, PsmResult
from asis.engines.counterfactual.synth import SynthResult


def _est(b, se=0.5, width=1.0):
    return Estimate(estimate=b, std_error=se, ci_low=b - width, ci_high=b + width, p_value=0.01)


def _did(b=2.0, width=1.0):
    return DidResult(effect=_est(b, width=width), confidence=0.95, n_obs=100, n_units=20,
                     n_periods=5, n_treated_units=5, dof_factor=1.0, group_means=None)


def _study(leads=(0.1, -0.1), lags=(2.0, 2.2), p=0.6, se=0.5):
    coefs = [EventCoefficient(-len(leads) - 1 + i, _est(b, se)) for i, b in enumerate(leads)]
    coefs.append(EventCoefficient(-1, Estimate(0, 0, 0, 0, 1), reference=True))
    coefs += [EventCoefficient(i, _est(b, se)) for i, b in enumerate(lags)]
    test = PreTrendTest(statistic=1.0, df_num=len(leads), df_den=19, p_value=p) if leads else None
    return EventStudyResult(coefficients=tuple(coefs), pre_trend=test, confidence=0.95,
                            n_obs=100, n_units=20, n_periods=5, n_treated_units=5)


def test_did_with_a_clean_event_study():
    reading = interpret_did(_did(), _study())
    assert not reading.refused
    assert reading.direction == "increase"
    assert reading.assumptions == DID_ASSUMPTIONS
    assert reading.checks == ("pre_trends_tested",)
    assert (reading.estimate, reading.ci_low, reading.ci_high) == (2.0, 1.0, 3.0)


@pytest.mark.parametrize(("b", "direction"), [(-2.0, "decrease"), (0.5, "unclear")])
def test_did_direction(b, direction):
    assert interpret_did(_did(b)).direction == direction


def test_did_without_leads_cannot_test_pre_trends():
    assert interpret_did(_did()).checks == ("pre_trends_untestable",)
    assert interpret_did(_did(), _study(leads=())).checks == ("pre_trends_untestable",)


def test_refuses_on_a_rejected_pre_trend_test():
    reading = interpret_did(_did(), _study(p=0.01))
    assert reading.refused
    assert [r.code for r in reading.refusals] == ["pre_trends"]
    assert reading.refusals[0].params["p_value"] == 0.01


def test_refuses_on_a_lead_far_from_zero():
    # 1.6 / 0.5 = 3.2 standard errors: the interval lies more than one SE clear of zero.
    reading = interpret_did(_did(), _study(leads=(1.6, 0.0), p=0.2))
    assert [r.code for r in reading.refusals] == ["lead_far_from_zero"]
    assert reading.refusals[0].params["event_time"] == -3
    # 1.2 / 0.5 = 2.4: significant on its own but not far; the joint test decides.
    assert not interpret_did(_did(), _study(leads=(1.2, 0.0), p=0.2)).refused


def test_event_study_reading():
    reading = interpret_event_study(_study())
    assert reading.method == "event_study"
    assert reading.estimate == pytest.approx(2.1)
    assert reading.direction == "increase"
    assert interpret_event_study(_study(lags=(-2.0, -3.0))).direction == "decrease"
    assert interpret_event_study(_study(lags=(0.1, 2.0))).direction == "unclear"
    assert interpret_event_study(_study(leads=())).checks == ("pre_trends_untestable",)


def _psm(smd_after):
    balance = tuple(Balance(covariate=f"x{i}", mean_treated=0, mean_comparison_before=0,
                            mean_comparison_after=0, smd_before=0.5, smd_after=s)
                    for i, s in enumerate(smd_after))
    return PsmResult(att=3.0, ci_low=2.0, ci_high=4.0, confidence=0.95, balance=balance,
                     caliper=0.1, n_treated=10, n_comparison=20, n_matched=10,
                     n_comparison_used=8, n_bootstrap=100, n_bootstrap_failed=0, seed=0)


def test_psm_reading_and_poor_balance():
    good = interpret_psm(_psm([0.05, -0.08]))
    assert not good.refused and good.direction == "increase"
    assert good.assumptions == PSM_ASSUMPTIONS and good.p_value is None
    bad = interpret_psm(_psm([0.05, -0.15]))
    assert [(r.code, r.params["covariate"]) for r in bad.refusals] == [("poor_balance", "x1")]


def _synth(pre_rmspe, p=0.05, effect=3.0):
    return SynthResult(treated_unit="T", start=2018, periods=(2017, 2018), actual=(1.0, 4.0),
                       synthetic=(1.0, 1.0), weights=(), pre_rmspe=pre_rmspe, post_rmspe=3.0,
                       ratio=3.0 / pre_rmspe, average_effect=effect, placebos=(), p_value=p,
                       outcome_sd=2.0)


def test_synth_reading_and_poor_pre_fit():
    good = interpret_synth(_synth(0.3))
    assert not good.refused and good.direction == "increase"
    assert good.assumptions == SYNTH_ASSUMPTIONS and good.ci_low is None
    assert interpret_synth(_synth(0.3, effect=-3.0)).direction == "decrease"
    assert interpret_synth(_synth(0.3, p=0.5)).direction == "unclear"
    bad = interpret_synth(_synth(0.5))
    assert [r.code for r in bad.refusals] == ["poor_pre_fit"]
    assert bad.refusals[0].params["limit"] == pytest.approx(0.4)
    assert np.isfinite(bad.estimate)
