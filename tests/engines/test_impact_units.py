"""Units of impact indicators: the registry, compatibility and conversions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asis.engines.errors import EngineError
from asis.engines.impact import units
from asis.engines.impact.errors import IncompatibleUnitsError, UnknownUnitError

REQUIRED = ("count", "persons", "households", "organisations", "jobs", "fte", "eur", "keur",
            "meur", "hours", "days", "months", "years", "percent", "per_1000", "t_co2e",
            "kg_co2e", "kwh", "mwh", "km", "ha", "m2", "score")


def test_registry_has_the_required_units():
    assert set(REQUIRED) <= set(units.UNITS)
    for code, unit in units.UNITS.items():
        assert unit.code == code and unit.factor > 0 and unit.label


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (1234.0, "eur", "keur", 1.234),
        (2.5, "meur", "eur", 2_500_000.0),
        (3.0, "meur", "keur", 3000.0),
        (1500.0, "kg_co2e", "t_co2e", 1.5),
        (2.0, "mwh", "kwh", 2000.0),
        (25_000.0, "m2", "ha", 2.5),
        (18.0, "months", "years", 1.5),
        (5.0, "percent", "per_1000", 50.0),
        (7.0, "score", "score", 7.0),
        (4.0, "persons", "persons", 4.0),
    ],
)
def test_convert_inside_a_dimension(value, source, target, expected):
    assert units.convert(value, source, target) == pytest.approx(expected)
    assert units.compatible(source, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [("persons", "households"), ("persons", "organisations"), ("jobs", "fte"),
     ("hours", "days"), ("days", "months"), ("eur", "persons"), ("score", "percent"),
     ("kwh", "t_co2e"), ("km", "ha"), ("count", "persons")],
)
def test_no_conversion_across_dimensions(source, target):
    assert not units.compatible(source, target)
    with pytest.raises(IncompatibleUnitsError) as err:
        units.convert(1.0, source, target)
    assert err.value.code == "incompatible_units"
    assert err.value.params == {"from": source, "to": target}
    assert isinstance(err.value, EngineError)


def test_unknown_unit_is_refused_with_its_code():
    with pytest.raises(UnknownUnitError) as err:
        units.compatible("furlongs", "km")
    assert err.value.code == "unknown_unit" and err.value.params == {"unit": "furlongs"}
    assert "furlongs" in str(err.value)


def test_get_unit():
    assert units.get_unit("keur") == units.Unit("keur", "money_eur", 1e3, "kEUR")


_PAIRS = [(a, b) for a in units.UNITS for b in units.UNITS if units.compatible(a, b)]


@given(st.sampled_from(_PAIRS), st.floats(-1e12, 1e12, allow_nan=False))
def test_conversion_round_trips(pair, value):
    source, target = pair
    back = units.convert(units.convert(value, source, target), target, source)
    assert back == pytest.approx(value, rel=1e-12, abs=1e-12)
