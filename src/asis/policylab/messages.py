"""The simulation engine's refusals (``SimulationError.code`` + ``params``) in the reader's
language, with lever and parameter names people know instead of field names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asis.core.formatting import number

FIELD_NAMES: dict[str, Any] = {
    "budget_eur_per_year": gettext_lazy("Budget per year"),
    "regional_split": gettext_lazy("Split of the budget between regions"),
    "social_weight": gettext_lazy("Weight of social criteria"),
    "training_intensity": gettext_lazy("Training of evaluators and applicants"),
    "cooperation_support": gettext_lazy("Support for cooperation"),
    "cofunding_rate": gettext_lazy("Applicants' own share (co-funding)"),
    "calls_per_year": gettext_lazy("Calls per year"),
    "horizon_months": gettext_lazy("Years simulated"),
    "n_runs": gettext_lazy("Monte Carlo runs"),
    "seed": gettext_lazy("Random seed"),
    "agents": gettext_lazy("Potential initiatives"),
    "innovation_p": gettext_lazy("Innovation coefficient (p)"),
    "imitation_q": gettext_lazy("Imitation coefficient (q)"),
    "cooperation_q": gettext_lazy("Imitation along cooperation links"),
    "failure_hazard": gettext_lazy("Monthly failure risk"),
    "failure_hazard x multipliers": gettext_lazy("Monthly failure risk with its multipliers"),
    "apply_probability": gettext_lazy("Probability that an initiative applies"),
    "scaling_rate": gettext_lazy("Monthly scaling rate"),
    "initial_active_share": gettext_lazy("Share active at the start"),
    "project_cost_eur": gettext_lazy("Cost of a project"),
    "funding_months": gettext_lazy("Project duration"),
    "evaluator_noise_sd": gettext_lazy("Evaluator noise"),
    "quality_correlation": gettext_lazy("Correlation of economic and social quality"),
    "heterogeneity_shape": gettext_lazy("Spread of innovativeness"),
}

ERRORS: dict[str, Any] = {
    "simulation.out_of_range": gettext_lazy("%(field)s must lie between %(low)s and %(high)s; "
                                            "%(value)s is outside."),
    "simulation.invalid_probability": gettext_lazy("%(field)s is a probability and must lie between 0 and "
                                                   "1; %(value)s is not."),
    "simulation.negative_budget": gettext_lazy("The budget cannot be negative (%(value)s)."),
    "simulation.calls_per_year": gettext_lazy("Calls per year must be one of %(choices)s."),
    "simulation.regional_split": gettext_lazy("The regional split needs a share of zero or more for each of "
                                              "the %(regions)s regions, and the shares must add up to 100 %%."),
    "simulation.geography_shape": gettext_lazy("The regions, their neighbours and their potential "
                                               "initiatives do not match."),
    "simulation.agents": gettext_lazy("Each region needs zero or more potential initiatives, and there "
                                      "must be at least one in all."),
    "simulation.cooperation": gettext_lazy("Cooperation weights cannot be negative."),
    "simulation.seed": gettext_lazy("The random seed must be a whole number of zero or more."),
    "simulation.resolution": gettext_lazy("Results are kept by month or by year only."),
    "simulation.run_too_large": gettext_lazy("This experiment is too large: %(agent_months)s agent-months, "
                                             "and the platform allows %(limit)s. Use fewer runs, fewer "
                                             "potential initiatives or fewer years."),
    "simulation.chunk_bounds": gettext_lazy("A chunk of runs lies outside the experiment (%(start)s to "
                                            "%(stop)s of %(n_runs)s runs)."),
    "simulation.batch_shape": gettext_lazy("Each set of levers needs exactly one run."),
    "simulation.chunk_size": gettext_lazy("The number of runs and the runs per chunk must be at least 1."),
    "simulation.no_chunks": gettext_lazy("There are no finished runs to combine."),
    "simulation.chunk_gap": gettext_lazy("Some runs are missing between %(stop)s and %(start)s."),
    "simulation.chunk_mismatch": gettext_lazy("The chunks of runs come from different scenarios."),
    "simulation.bass_series": gettext_lazy("A diffusion fit needs at least three periods of zero or more "
                                           "new initiatives, and at least one new initiative."),
    "simulation.bass_no_fit": gettext_lazy("The diffusion model could not be fitted to this series: "
                                           "it does not rise and level off like a diffusion."),
    "simulation.bad_geometry": gettext_lazy("A region's shape could not be read."),
    "simulation.unknown_region": gettext_lazy("The region %(code)s is not one of the 42 regions."),
    "simulation.prim_shape": gettext_lazy("Scenario discovery needs one outcome per set of levers."),
    "simulation.abc_setup": gettext_lazy("The calibration needs at least one parameter with a prior range "
                                         "and at least one simulation."),
}

_PERCENT_FIELDS = ("social_weight", "training_intensity", "cooperation_support", "cofunding_rate")


def _shown(value: Any, field: str = "") -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if field in _PERCENT_FIELDS:
            return f"{number(100 * value, 0)} %"
        return number(value) if float(value).is_integer() else number(value, 4)
    if isinstance(value, (tuple, list)):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def field_name(field: str) -> str:
    name = FIELD_NAMES.get(field)
    return str(name) if name is not None else field.replace("_", " ")


def message(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The refusal in the active language; an unknown code says so without showing internals."""
    params = dict(params or {})
    template = ERRORS.get(code)
    if template is None:
        return _("The simulation refused these settings.")
    field = str(params.get("field", ""))
    values = {key: _shown(value, field if key in ("value", "low", "high") else "") for key, value in params.items()}
    values["field"] = field_name(field) if field else ""
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return _("The simulation refused these settings.")


def error_message(exc: Any) -> str:
    return message(getattr(exc, "code", ""), getattr(exc, "params", None))
