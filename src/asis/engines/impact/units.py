"""Units of measure of impact indicators, and conversions inside one dimension.

A unit belongs to one *dimension*; a value converts only to another unit of the
same dimension, by the ratio of their factors to the dimension's base unit
(``value * from.factor / to.factor``). Dimensions that look alike but count
different things stay apart on purpose, so a roll-up can never add them:

- persons, households, organisations, jobs and FTE are five dimensions (a
  household is not a number of persons; a job is not a full-time equivalent);
- ``hours`` and ``days`` are different dimensions: a working day is 7 to 8 hours
  depending on the country and the contract, and a calendar day is 24 hours, so
  any factor would be a guess. ``months`` and ``years`` share a dimension
  (12 months make a year exactly); days do not convert to months (28 to 31);
- ``percent`` and ``per_1000`` are two scales of one ratio dimension: the value
  is ``numerator / denominator`` divided by the factor (5 % = 50 per 1,000).
  Ratio indicators store the numerator and the denominator, see
  :mod:`asis.engines.impact.rollup`;
- ``score`` is dimensionless and converts to nothing but itself (two score
  scales cannot be mapped onto each other without a rule the unit cannot know).

``label`` is a symbol for logs and the CLI; pages name units in the reader's
language from ``code``. See ``docs/methods/units-and-rollups.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from asis.engines.impact.errors import IncompatibleUnitsError, UnknownUnitError


@dataclass(frozen=True)
class Unit:
    """A unit of measure: ``factor`` base units of its ``dimension`` make one of it."""

    code: str
    dimension: str
    factor: float
    label: str


_UNITS = (
    Unit("count", "count", 1.0, "count"),
    Unit("persons", "persons", 1.0, "persons"),
    Unit("households", "households", 1.0, "households"),
    Unit("organisations", "organisations", 1.0, "organisations"),
    Unit("jobs", "jobs", 1.0, "jobs"),
    Unit("fte", "fte", 1.0, "FTE"),
    Unit("eur", "money_eur", 1.0, "EUR"),
    Unit("keur", "money_eur", 1e3, "kEUR"),
    Unit("meur", "money_eur", 1e6, "MEUR"),
    Unit("hours", "hours", 1.0, "h"),
    Unit("days", "days", 1.0, "d"),
    Unit("months", "months", 1.0, "months"),
    Unit("years", "months", 12.0, "years"),
    Unit("percent", "ratio", 0.01, "%"),
    Unit("per_1000", "ratio", 0.001, "per 1,000"),
    Unit("kg_co2e", "co2e", 1.0, "kg CO2e"),
    Unit("t_co2e", "co2e", 1e3, "t CO2e"),
    Unit("kwh", "energy", 1.0, "kWh"),
    Unit("mwh", "energy", 1e3, "MWh"),
    Unit("km", "length", 1.0, "km"),
    Unit("m2", "area", 1.0, "m2"),
    Unit("ha", "area", 1e4, "ha"),
    Unit("score", "score", 1.0, "score"),
)

UNITS: MappingProxyType[str, Unit] = MappingProxyType({unit.code: unit for unit in _UNITS})
"""Every unit the engines know, by code."""

RATIO_DIMENSION = "ratio"


def get_unit(code: str) -> Unit:
    """The unit called ``code``; :class:`UnknownUnitError` if there is none."""
    try:
        return UNITS[code]
    except KeyError:
        raise UnknownUnitError(code) from None


def compatible(a: str, b: str) -> bool:
    """Whether values in unit ``a`` can be converted to unit ``b`` (same dimension)."""
    return get_unit(a).dimension == get_unit(b).dimension


def factor(from_code: str, to_code: str) -> float:
    """The number to multiply a value in ``from_code`` by to express it in ``to_code``."""
    source, target = get_unit(from_code), get_unit(to_code)
    if source.dimension != target.dimension:
        raise IncompatibleUnitsError(from_code, to_code)
    if source.code == target.code:
        return 1.0
    return source.factor / target.factor


def convert(value: float, from_code: str, to_code: str) -> float:
    """``value`` in ``from_code`` expressed in ``to_code``: ``value * from.factor / to.factor``.

    Raises :class:`IncompatibleUnitsError` (code ``incompatible_units``, params ``from``
    and ``to``) across dimensions and :class:`UnknownUnitError` for an unknown code.
    """
    return value * factor(from_code, to_code)
