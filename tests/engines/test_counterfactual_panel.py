"""The panel checks every counterfactual method shares."""

import math

import numpy as np
import pytest

from asis.engines.counterfactual.errors import CounterfactualError
from asis.engines.counterfactual.panel import (
    PanelInput,
    PanelRow,
    panel_from_columns,
    panel_validate,
)


def _rows(spec):
    return tuple(PanelRow(unit=u, period=p, outcome=y) for u, p, y in spec)


GOOD = [("a", 1, 1.0), ("a", 2, 2.0), ("b", 1, 1.5), ("b", 2, 1.0)]


def test_valid_panel_is_sorted_and_flags_treatment():
    panel = panel_validate(PanelInput(rows=_rows(reversed(GOOD)), treatment_start={"a": 2}))
    assert panel.units == ("a", "b")
    assert panel.periods == (1, 2)
    assert panel.outcome.tolist() == [1.0, 2.0, 1.5, 1.0]
    assert panel.treated.tolist() == [False, True, False, False]
    assert panel.treated_unit.tolist() == [True, True, False, False]
    assert panel.event_time.tolist() == [-1, 0, 0, 0]
    assert panel.balanced and panel.n_obs == 4
    assert panel.treated_units == ("a",)
    assert panel.covariates.shape == (4, 0)


@pytest.mark.parametrize(("spec", "start", "code", "params"), [
    ([], {"a": 2}, "empty_panel", {}),
    ([("a", 1, 1.0), ("a", 2, 2.0)], {"a": 2}, "too_few_units", {"units": 1}),
    (GOOD, {}, "no_treated_unit", {}),
    (GOOD, {"a": 2, "b": 2}, "no_comparison_unit", {}),
    (GOOD, {"c": 2}, "unknown_treated_unit", {"unit": "c"}),
    (GOOD, {"a": 1}, "no_pre_period", {"first_period": 1}),
    (GOOD, {"a": 3}, "no_post_period", {"last_period": 2}),
    (GOOD + [("a", 2, 5.0)], {"a": 2}, "duplicate_observation", {"row": 5, "unit": "a", "period": 2}),
    ([("a", 1, math.nan)] + GOOD[1:], {"a": 2}, "non_numeric_outcome", {"row": 1, "unit": "a", "period": 1}),
    ([("a", 1, "3")] + GOOD[1:], {"a": 2}, "non_numeric_outcome", {"row": 1, "unit": "a", "period": 1}),
    ([("a", 1, True)] + GOOD[1:], {"a": 2}, "non_numeric_outcome", {"row": 1, "unit": "a", "period": 1}),
])
def test_bad_panels_are_refused_with_a_code(spec, start, code, params):
    with pytest.raises(CounterfactualError) as info:
        panel_validate(PanelInput(rows=_rows(spec), treatment_start=start))
    assert info.value.code == code
    assert dict(info.value.params) == params
    assert code in str(info.value)


def test_covariates_must_be_complete_numbers():
    rows = (PanelRow("a", 1, 1.0, (1.0,)), PanelRow("b", 1, 1.0, (math.inf,)))
    with pytest.raises(CounterfactualError) as info:
        panel_validate(PanelInput(rows=rows, treatment_start={"a": 1}, covariate_names=("x",)))
    assert info.value.code == "non_numeric_covariate"
    assert info.value.params["row"] == 2


def test_from_columns_with_covariates():
    panel = panel_from_columns(["a", "a", "b", "b"], [1, 2, 1, 2], [1.0, 2.0, 3.0, 4.0],
                               {"a": 2}, covariates=[[1.0], [2.0], [3.0], [4.0]],
                               covariate_names=["x"])
    assert np.array_equal(panel.covariates[:, 0], [1.0, 2.0, 3.0, 4.0])
    assert panel.covariate_names == ("x",)


def test_unbalanced_panel_is_flagged():
    panel = panel_from_columns(["a", "a", "b"], [1, 2, 2], [1.0, 2.0, 3.0], {"a": 2})
    assert not panel.balanced
