"""From SROI analyses to the engine's types and back: the impact map (with quantities filled from
validated monitoring values), the translated error messages and the stored result."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from asis.core.formatting import percent
from asis.engines.impact import sroi as engine
from asis.impact.models import Indicator, ProjectIndicator, Report, ReportValue
from asis.impact.models_sroi import PriceIndex, SroiAnalysis, SroiOutcome

#: The assumptions of a row the editor offers a range for, with their labels.
RANGED = ("quantity", "proxy_value", "duration_years", "deadweight", "displacement", "attribution", "drop_off")


def assumption_label(name: str) -> str:
    return {
        "quantity": _("quantity"),
        "proxy_value": _("financial proxy"),
        "duration_years": _("duration"),
        "deadweight": _("deadweight"),
        "displacement": _("displacement"),
        "attribution": _("attribution"),
        "drop_off": _("drop-off"),
        "discount_rate": _("discount rate"),
    }[name]


@dataclass(frozen=True)
class MonitoredQuantity:
    value: Decimal
    reports: int


def monitored_quantity(project_indicator: ProjectIndicator | None) -> MonitoredQuantity | None:
    """The quantity the validated reports of a monitored indicator give (totals only): the sum of
    the periods for per-period indicators, the latest value for cumulative ones; None without
    validated values."""
    if project_indicator is None:
        return None
    values = list(ReportValue.objects.filter(
        project_indicator=project_indicator, disaggregation="", report__status=Report.Status.VALIDATED,
    ).order_by("report__period__number").values_list("value", flat=True))
    if not values:
        return None
    if project_indicator.indicator.values_mode == Indicator.ValuesMode.CUMULATIVE:
        return MonitoredQuantity(values[-1], len(values))
    return MonitoredQuantity(sum(values, Decimal(0)), len(values))


def row_ranges(row: SroiOutcome) -> dict[str, engine.Range]:
    """Stored ``[low, high]`` pairs as triangular ranges whose most likely value is the row's own."""
    ranges = {}
    for name, pair in (row.ranges or {}).items():
        low, high = float(pair[0]), float(pair[1])
        base = float(getattr(row, name))
        ranges[name] = engine.Range(low, high, mode=base if low <= base <= high else None)
    return ranges


def impact_map(analysis: SroiAnalysis, rows: list[SroiOutcome] | None = None) -> engine.ImpactMap:
    """The analysis as an engine impact map; a row linked to a monitored indicator with validated
    values takes its quantity from them."""
    rows = list(analysis.outcomes.select_related("project_indicator__indicator")) if rows is None else rows
    outcomes = []
    for row in rows:
        monitored = monitored_quantity(row.project_indicator)
        quantity = float(monitored.value) if monitored else float(row.quantity)
        outcomes.append(engine.Outcome(
            stakeholder=row.stakeholder, description=row.outcome, quantity=quantity,
            duration_years=int(row.duration_years), proxy_value=float(row.proxy_value),
            deadweight=float(row.deadweight), displacement=float(row.displacement),
            attribution=float(row.attribution), drop_off=float(row.drop_off), ranges=row_ranges(row),
        ))
    rate_range = None
    if analysis.discount_rate_low is not None and analysis.discount_rate_high is not None:
        rate = float(analysis.discount_rate)
        low, high = float(analysis.discount_rate_low), float(analysis.discount_rate_high)
        rate_range = engine.Range(low, high, mode=rate if low <= rate <= high else None)
    return engine.ImpactMap(outcomes=tuple(outcomes), investment=float(analysis.investment),
                            discount_rate=float(analysis.discount_rate), discount_rate_range=rate_range)


def price_index(country: str) -> dict[int, float]:
    return {year: float(value) for year, value in PriceIndex.objects.filter(country=country.upper())
            .values_list("year", "value")}


def rebase_proxy(value: Decimal, *, country: str, from_year: int, to_year: int) -> Decimal:
    """A proxy in ``to_year`` prices; raises the engine's error when the index lacks a year."""
    if from_year == to_year:
        return value
    rebased = engine.rebase(float(value), from_year, to_year, price_index(country))
    return Decimal(str(round(rebased, 2)))


def error_message(error: engine.SroiInputError, rows: list[SroiOutcome] | None = None) -> str:
    """The engine's error in the reader's language, naming the outcome row by its stakeholder and
    outcome (never an index)."""
    params = error.params
    where = ""
    if error.field.startswith("outcomes[") and rows:
        index = int(error.field[len("outcomes["):error.field.index("]")])
        if index < len(rows):
            where = _("Outcome “%(outcome)s” (%(stakeholder)s): ") % {
                "outcome": rows[index].outcome, "stakeholder": rows[index].stakeholder}
    name = params.get("name")
    label = assumption_label(str(name)) if name in (*RANGED, "discount_rate") else ""
    messages = {
        "map_empty": _("The impact map has no outcome yet: add at least one."),
        "investment_invalid": _("The investment must be more than zero."),
        "discount_rate_invalid": _("The discount rate must be above %(limit)s.") % {"limit": percent(-1)},
        "duration_invalid": _("The duration must be a whole number of years from 1 to 100."),
        "share_out_of_range": _("The %(assumption)s must lie between 0 and 1 (0 %% and 100 %%).")
        % {"assumption": label},
        "quantity_invalid": _("The quantity must not be negative; record a negative outcome with a negative "
                              "value per unit."),
        "value_not_number": _("A number is needed here."),
        "value_not_finite": _("A finite number is needed here."),
        "range_invalid": _("The range of the %(assumption)s needs low ≤ value ≤ high.")
        % {"assumption": label},
        "assumption_unknown": _("The range of an unknown assumption was ignored."),
        "index_year_missing": _("The price index has no value for %(year)s: import it, or enter the value in "
                                "report-year prices.") % {"year": params.get("year")},
        "index_value_invalid": _("The price index value for %(year)s must be positive.")
        % {"year": params.get("year")},
        "draws_invalid": _("The number of draws must be a whole number from 1 to %(maximum)s.")
        % {"maximum": params.get("maximum")},
        "seed_invalid": _("The seed must be a whole number, zero or more."),
    }
    return where + messages.get(error.code, _("The analysis could not be computed."))


def result_data(impact: engine.ImpactMap, result: engine.SroiResult, tornado: engine.Tornado,
                monte_carlo: engine.MonteCarloResult | None) -> dict[str, Any]:
    """JSON for ``SroiRun.result`` (and the API): plain numbers, names instead of indexes."""
    data: dict[str, Any] = {
        "present_value": result.present_value,
        "investment": result.investment,
        "net_present_value": result.net_present_value,
        "ratio": result.ratio,
        "net_ratio": result.net_ratio,
        "payback_months": result.payback_months,
        "impact_by_year": list(result.impact_by_year),
        "outcomes": [
            {"stakeholder": o.stakeholder, "outcome": o.description, "impact_year1": r.impact_year1,
             "present_value": r.present_value}
            for o, r in zip(impact.outcomes, result.outcomes, strict=True)
        ],
        "tornado": [
            {"outcome_index": b.outcome_index, "assumption": b.assumption, "base": b.base, "low": b.low,
             "high": b.high, "ratio_low": b.ratio_low, "ratio_high": b.ratio_high}
            for b in tornado.bars
        ],
    }
    if monte_carlo is not None:
        data["monte_carlo"] = {
            "draws": monte_carlo.n_draws, "seed": monte_carlo.seed, "mean": monte_carlo.mean,
            "median": monte_carlo.median, "std": monte_carlo.std, "interval": list(monte_carlo.interval),
            "percentiles": list(monte_carlo.interval_percentiles),
            "probability_above_one": monte_carlo.probability_above_one, "npv_mean": monte_carlo.npv_mean,
            "npv_interval": list(monte_carlo.npv_interval),
            "histogram": {"edges": list(monte_carlo.histogram.edges),
                          "counts": list(monte_carlo.histogram.counts)},
        }
    return data


def inputs_data(impact: engine.ImpactMap) -> dict[str, Any]:
    """The engine inputs of a run, so the run shows what it computed even after later edits."""
    return {
        "investment": impact.investment, "discount_rate": impact.discount_rate,
        "discount_rate_range": None if impact.discount_rate_range is None else [
            impact.discount_rate_range.low, impact.discount_rate_range.high],
        "outcomes": [
            {"stakeholder": o.stakeholder, "outcome": o.description,
             **{name: getattr(o, name) for name in RANGED},
             "ranges": {k: [r.low, r.high] for k, r in o.ranges.items()}}
            for o in impact.outcomes
        ],
    }
