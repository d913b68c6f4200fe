"""Checking what a project holder reports: values (per breakdown, with a unit, as numerator and
denominator for ratios), budget spent per line of the application, risks.

One checker for the web form and the API, so both refuse the same input with the same message.
Errors are keyed by the web form's field names (``v-<indicator>-total``, ``d-...``, ``u-<indicator>``)
so the form shows each beside its field; the API returns the messages as a list.

Decisions (documented in docs/guides/project-holder.md):
- a value's unit may be any unit of the indicator's dimension (``asis.engines.impact.units``):
  the value is kept as typed and converted when rolled up; a unit of another dimension is refused;
- the plausible range (``plausible_min``/``plausible_max``) is in the indicator's unit and is
  checked after converting the value (for ratios: numerator / denominator on the unit's scale);
- a ratio needs a denominator above zero, and for percentages a numerator no larger than it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from asis.core.formatting import number
from asis.engines.impact import units as engine_units
from asis.impact import disaggregations
from asis.impact.models import VALUE, Indicator, ProjectIndicator
from asis.impact.units import unit_label

MAX_NARRATIVE = 20000
MAX_RISKS = 20
MAX_TEXT = 500
LIKELIHOODS = ("low", "medium", "high")
_LIMIT = Decimal(10) ** (VALUE["max_digits"] - VALUE["decimal_places"])
_QUANTUM = Decimal(1).scaleb(-VALUE["decimal_places"])


class ForeignObject(LookupError):
    """An id in the input that is not this project's (tampered form or API call): answered 404."""


@dataclass(frozen=True)
class CleanValue:
    project_indicator: ProjectIndicator
    disaggregation: str
    value: Decimal
    denominator: Decimal | None
    unit: str
    note: str


def field_suffix(project_indicator_id: int, disaggregation: str) -> str:
    dimension, category = disaggregations.parse(disaggregation)
    return f"{project_indicator_id}-{dimension}-{category}" if dimension else f"{project_indicator_id}-total"


def breakdown_keys(indicator: Indicator) -> list[str]:
    """The total and every category of the indicator's allowed breakdowns."""
    keys = [""]
    for dimension in indicator.disaggregations or []:
        keys += [disaggregations.key(dimension, code) for code, _label in disaggregations.categories(dimension)]
    return keys


def unit_choices(indicator: Indicator) -> list[str]:
    """The indicator's unit first, then the other units it converts to."""
    try:
        others = [code for code in engine_units.UNITS
                  if code != indicator.unit and engine_units.compatible(code, indicator.unit)]
    except engine_units.UnknownUnitError:
        others = []
    return [indicator.unit, *others]


def parse_number(raw: Any) -> Decimal | None:
    """A number typed in the reader's language ("1.234,5" in German, "1,234.5" in English) or sent
    by the API; None if empty. The language's decimal mark is the decimal mark; its thousands
    separator only where it groups digits by three ("12.000" is twelve thousand in German); any
    other single "." or "," is taken as a decimal mark ("12,5" typed on an English page is 12.5)."""
    if raw is None:
        return None
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = re.sub(r"[\s\u00a0\u202f'’]", "", str(raw))
    if not text:
        return None
    decimal_mark = str(formats.get_format("DECIMAL_SEPARATOR"))
    thousands = "." if decimal_mark == "," else ","
    if re.fullmatch(r"[-+]?\d{1,3}(" + re.escape(thousands) + r"\d{3})+(" + re.escape(decimal_mark) + r"\d+)?", text):
        text = text.replace(thousands, "")
    text = text.replace(decimal_mark, ".") if decimal_mark != "." else text
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def _fits(value: Decimal) -> bool:
    return abs(value) < _LIMIT


def _in_indicator_unit(indicator: Indicator, value: Decimal, denominator: Decimal | None, unit: str) -> float:
    if indicator.is_ratio and denominator:
        share = float(value / denominator)
        return share / engine_units.get_unit(indicator.unit).factor
    return engine_units.convert(float(value), unit, indicator.unit)


def check_value(project_indicator: ProjectIndicator, *, disaggregation: str, value: Any, denominator: Any,
                unit: str, note: str = "") -> CleanValue | dict[str, str] | None:
    """One value checked; a dict of field errors when refused; None when nothing was typed."""
    indicator = project_indicator.indicator
    suffix = field_suffix(project_indicator.pk, disaggregation)
    name = str(indicator)
    where = disaggregations.label(disaggregation)
    try:
        amount = parse_number(value)
    except ValueError:
        return {f"v-{suffix}": _("“%(value)s” is not a number (%(indicator)s, %(breakdown)s).") % {
            "value": str(value)[:40], "indicator": name, "breakdown": where}}
    try:
        base = parse_number(denominator)
    except ValueError:
        return {f"d-{suffix}": _("“%(value)s” is not a number (%(indicator)s, %(breakdown)s).") % {
            "value": str(denominator)[:40], "indicator": name, "breakdown": where}}
    if amount is None:
        if base is not None:
            return {f"v-{suffix}": _("Enter the numerator as well as the denominator (%(indicator)s, "
                                     "%(breakdown)s).") % {"indicator": name, "breakdown": where}}
        return None
    if not _fits(amount) or (base is not None and not _fits(base)):
        return {f"v-{suffix}": _("The number is too large (%(indicator)s, %(breakdown)s).") % {
            "indicator": name, "breakdown": where}}
    unit = unit or indicator.unit
    if unit not in unit_choices(indicator):
        return {f"u-{project_indicator.pk}": _(
            "%(indicator)s is measured in %(expected)s; a value in %(unit)s cannot be converted to it. "
            "Choose one of: %(choices)s.") % {
            "indicator": name, "expected": unit_label(indicator.unit), "unit": unit_label(unit),
            "choices": ", ".join(unit_label(u) for u in unit_choices(indicator))}}
    if indicator.is_ratio:
        if base is None or base <= 0:
            return {f"d-{suffix}": _("%(indicator)s is a rate: enter a denominator above zero (%(breakdown)s).")
                    % {"indicator": name, "breakdown": where}}
        if amount < 0:
            return {f"v-{suffix}": _("The numerator cannot be negative (%(indicator)s, %(breakdown)s).") % {
                "indicator": name, "breakdown": where}}
        if indicator.unit == "percent" and amount > base:
            return {f"v-{suffix}": _("The numerator (%(numerator)s) cannot be larger than the denominator "
                                     "(%(denominator)s) of a percentage (%(indicator)s, %(breakdown)s).") % {
                "numerator": number(amount), "denominator": number(base), "indicator": name, "breakdown": where}}
    elif base is not None:
        return {f"d-{suffix}": _("%(indicator)s takes no denominator.") % {"indicator": name}}
    low, high = indicator.plausible_min, indicator.plausible_max
    if low is not None or high is not None:
        seen = _in_indicator_unit(indicator, amount, base, unit)
        if (low is not None and seen < float(low)) or (high is not None and seen > float(high)):
            return {f"v-{suffix}": _(
                "%(value)s %(unit)s is outside the plausible range of %(indicator)s (%(low)s to %(high)s "
                "%(expected)s). Check the value and its unit.") % {
                "value": number(amount), "unit": unit_label(unit), "indicator": name, "breakdown": where,
                "low": number(low) if low is not None else "–", "high": number(high) if high is not None else "–",
                "expected": unit_label(indicator.unit)}}
    return CleanValue(project_indicator, disaggregation, amount.quantize(_QUANTUM),
                      base.quantize(_QUANTUM) if base is not None else None, unit, str(note or "")[:MAX_TEXT])


def check_values(indicators: dict[int, ProjectIndicator], rows: list[dict[str, Any]]) -> list[CleanValue]:
    """All rows checked together: every error is reported at once, nothing is kept when one fails.

    ``rows``: ``{"indicator": project indicator id, "disaggregation": "" | "sex=female", "value",
    "denominator", "unit", "note"}``. An id that is not one of ``indicators`` raises
    :class:`ForeignObject`."""
    errors: dict[str, list[str]] = {}
    clean: list[CleanValue] = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        try:
            pk = int(row.get("indicator"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ForeignObject("indicator") from exc
        project_indicator = indicators.get(pk)
        if project_indicator is None:
            raise ForeignObject("indicator")
        key = str(row.get("disaggregation") or "")
        if key not in breakdown_keys(project_indicator.indicator):
            errors.setdefault(f"v-{pk}-total", []).append(
                _("%(indicator)s cannot be broken down by “%(breakdown)s”.") % {
                    "indicator": str(project_indicator.indicator), "breakdown": key[:60]})
            continue
        if (pk, key) in seen:
            errors.setdefault(f"v-{field_suffix(pk, key)}", []).append(
                _("%(indicator)s, %(breakdown)s: given twice.") % {
                    "indicator": str(project_indicator.indicator), "breakdown": disaggregations.label(key)})
            continue
        seen.add((pk, key))
        result = check_value(project_indicator, disaggregation=key, value=row.get("value"),
                             denominator=row.get("denominator"), unit=str(row.get("unit") or ""),
                             note=str(row.get("note") or ""))
        if isinstance(result, dict):
            for field, message in result.items():
                errors.setdefault(field, []).append(message)
        elif result is not None:
            clean.append(result)
    if errors:
        raise ValidationError(errors)
    return clean


def check_budget(budget_lines: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"line": index of the application's budget line, "amount": "123.45"}]``, empty amounts left out."""
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in rows:
        try:
            line = int(row.get("line"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ForeignObject("budget line") from exc
        if not 0 <= line < len(budget_lines) or line in seen:
            raise ForeignObject("budget line")
        seen.add(line)
        try:
            amount = parse_number(row.get("amount"))
        except ValueError:
            errors.setdefault(f"b-{line}", []).append(_("“%(value)s” is not an amount.") % {
                "value": str(row.get("amount"))[:40]})
            continue
        if amount is None:
            continue
        if amount < 0 or not _fits(amount):
            errors.setdefault(f"b-{line}", []).append(_("Enter an amount of zero or more."))
            continue
        clean.append({"line": line, "amount": str(amount.quantize(Decimal("0.01")))})
    if errors:
        raise ValidationError(errors)
    return clean


def check_risks(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Risk rows (risk, likelihood low|medium|high, mitigation); blank rows left out."""
    errors: dict[str, list[str]] = {}
    clean: list[dict[str, str]] = []
    for index, row in enumerate(rows):
        risk = str(row.get("risk") or "").strip()
        likelihood = str(row.get("likelihood") or "").strip()
        mitigation = str(row.get("mitigation") or "").strip()
        if not (risk or mitigation):
            continue
        if not risk:
            errors.setdefault(f"r-{index}-risk", []).append(_("Describe the risk."))
        elif likelihood not in LIKELIHOODS:
            errors.setdefault(f"r-{index}-likelihood", []).append(_("Choose how likely the risk is."))
        elif len(risk) > MAX_TEXT or len(mitigation) > MAX_TEXT:
            errors.setdefault(f"r-{index}-risk", []).append(
                _("Keep each risk and its mitigation under %(count)s characters.") % {"count": MAX_TEXT})
        else:
            clean.append({"risk": risk, "likelihood": likelihood, "mitigation": mitigation})
    if len(clean) > MAX_RISKS:
        errors.setdefault("risks", []).append(_("List at most %(count)s risks.") % {"count": MAX_RISKS})
    if errors:
        raise ValidationError(errors)
    return clean


def check_narrative(text: Any) -> str:
    narrative = str(text or "").strip()
    if len(narrative) > MAX_NARRATIVE:
        raise ValidationError({"narrative": _("Keep the narrative under %(count)s characters.") % {
            "count": MAX_NARRATIVE}})
    return narrative
