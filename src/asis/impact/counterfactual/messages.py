"""The engines' codes in the reader's language: panel and CSV problems, refusals, assumptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.core.formatting import number

ERRORS: dict[str, Any] = {
    "empty_panel": gettext_lazy("The panel has no rows."),
    "too_few_units": gettext_lazy("A comparison needs at least two units; the selection has %(units)s."),
    "no_treated_unit": gettext_lazy("Choose at least one treated unit."),
    "no_comparison_unit": gettext_lazy("Choose at least one comparison unit that is not treated."),
    "unknown_treated_unit": gettext_lazy("The treated unit %(unit)s has no values in the chosen periods."),
    "no_pre_period": gettext_lazy("No treated unit has a value before the first treated period: "
                                  "a comparison needs at least one period before the policy."),
    "no_post_period": gettext_lazy("No treated unit has a value from the first treated period on: "
                                   "a comparison needs at least one period with the policy."),
    "duplicate_observation": gettext_lazy("%(unit)s has two values for period %(period)s."),
    "non_numeric_outcome": gettext_lazy("The outcome of %(unit)s in period %(period)s is not a number."),
    "non_numeric_covariate": gettext_lazy("A covariate is missing or not a number."),
    "collinear_design": gettext_lazy("The treatment cannot be told apart from the unit and period "
                                     "effects: choose more comparison units or periods."),
    "too_few_observations": gettext_lazy("There are fewer values (%(observations)s) than the model "
                                         "has parameters (%(parameters)s)."),
    "no_reference_period": gettext_lazy("The event study needs a value of the treated units in the "
                                        "period just before the first treated period."),
    "invalid_confidence": gettext_lazy("The confidence level must lie between 0 and 1."),
    "length_mismatch": gettext_lazy("The columns have different lengths."),
    "no_covariates": gettext_lazy("Matching needs at least one covariate: import a panel with "
                                  "covariate columns."),
    "no_overlap": gettext_lazy("The covariates separate treated from comparison units completely: "
                               "there are no comparable units to match."),
    "no_matches": gettext_lazy("No treated unit has a comparison unit close enough to match."),
    "too_few_draws": gettext_lazy("The bootstrap needs at least two draws."),
    "unstable_bootstrap": gettext_lazy("Too many bootstrap samples (%(failed)s of %(draws)s) could "
                                       "not be matched: the sample is too small for an interval."),
    "synth_one_treated_unit": gettext_lazy("Synthetic control needs exactly one treated unit; "
                                           "%(treated)s are chosen."),
    "unbalanced_panel": gettext_lazy("Synthetic control needs a value for every unit in every period."),
    "too_few_donors": gettext_lazy("Synthetic control needs at least %(minimum)s comparison units; "
                                   "the selection has %(donors)s."),
    "no_units": gettext_lazy("The panel has no units in the chosen periods."),
    "unknown_unit": gettext_lazy("A chosen unit is not in this panel."),
    "overlapping_units": gettext_lazy("A unit cannot be both treated and a comparison unit."),
    "bad_periods": gettext_lazy("The first period must not be after the last one."),
}

CSV_ERRORS: dict[str, Any] = {
    "missing_columns": gettext_lazy("The file lacks the column(s) %(column)s; it needs unit, period "
                                    "and outcome."),
    "too_many_rows": gettext_lazy("The file has more than %(value)s rows."),
    "too_many_covariates": gettext_lazy("The file has %(value)s covariate columns; at most 20 are allowed."),
    "empty_unit": gettext_lazy("The unit is empty."),
    "unit_too_long": gettext_lazy("The unit name is longer than 200 characters."),
    "bad_period": gettext_lazy("The period “%(value)s” is not a whole number (a year such as 2020)."),
    "bad_number": gettext_lazy("“%(value)s” in column %(column)s is not a number."),
    "wrong_column_count": gettext_lazy("The row has %(value)s fields instead of one per column."),
    "duplicate": gettext_lazy("%(value)s appears twice (first in row %(other_row)s)."),
    "no_rows": gettext_lazy("The file has no data rows."),
    "not_csv": gettext_lazy("The file cannot be read as CSV (an unclosed quote?)."),
}

ASSUMPTIONS: dict[str, Any] = {
    "parallel_trends": gettext_lazy("Parallel trends: without the policy, the treated and the "
                                    "comparison units would have changed alike."),
    "no_anticipation": gettext_lazy("No anticipation: nothing changed before the policy started "
                                    "because of it."),
    "sutva": gettext_lazy("No spill-over: the policy did not affect the comparison units."),
    "no_unobserved_confounding": gettext_lazy("No hidden differences: the covariates capture why "
                                              "units were treated."),
    "overlap": gettext_lazy("Overlap: comparable untreated units exist for the treated ones."),
    "good_pre_fit": gettext_lazy("A good fit: the synthetic unit follows the treated unit closely "
                                 "before the policy."),
    "no_spillover": gettext_lazy("No spill-over: the policy did not affect the units that make up "
                                 "the synthetic unit."),
}

CHECKS: dict[str, Any] = {
    "pre_trends_tested": gettext_lazy("Parallel trends before the policy were tested (event study)."),
    "pre_trends_untestable": gettext_lazy("Parallel trends cannot be tested: the data have only one "
                                          "period before the policy."),
    "balance_checked": gettext_lazy("Balance of the covariates after matching was checked."),
    "placebo_in_space": gettext_lazy("Every comparison unit was tested as a placebo."),
}


def decimal_places(key: str) -> int:
    return 3 if key in {"p_value", "alpha", "smd", "limit", "share"} else 2


def _fmt(params: Mapping[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for key, value in params.items():
        shown[key] = number(value, decimal_places(key)) if isinstance(value, float) else value
    return shown


def error_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    template = ERRORS.get(code)
    if template is None:
        return _("The study could not be estimated.")
    try:
        return str(template) % _fmt(params or {})
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip()


def csv_error_text(code: str, params: Mapping[str, Any]) -> str:
    template = CSV_ERRORS.get(code, gettext_lazy("The row cannot be read."))
    try:
        return str(template) % _fmt(params)
    except (KeyError, TypeError, ValueError):
        return str(template)


def refusal_text(code: str, params: Mapping[str, Any]) -> str:
    shown = _fmt(params)
    if code == "pre_trends":
        return _("Before the policy the treated and comparison units already moved differently "
                 "(pre-trend test p = %(p_value)s, below %(alpha)s).") % shown
    if code == "lead_far_from_zero":
        return _("%(periods)s period(s) before the policy the difference was already "
                 "%(estimate)s (interval %(ci_low)s to %(ci_high)s), far from zero.") % {
                     **shown, "periods": abs(int(params["event_time"]))}
    if code == "poor_balance":
        return _("After matching, “%(covariate)s” still differs between treated and comparison "
                 "units (standardised difference %(smd)s, more than %(limit)s).") % shown
    if code == "poor_pre_fit":
        return _("The synthetic unit does not follow the treated unit before the policy (error "
                 "%(rmspe)s, more than %(limit)s).") % shown
    return _("An assumption visibly fails.")
