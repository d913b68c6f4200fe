"""CSV panels: all or nothing, every problem with its row."""

import pytest

from asis.engines.counterfactual import csvpanel
from asis.engines.counterfactual.csvpanel import csv_panel_read


def test_a_good_file_with_covariates_semicolons_and_decimal_commas():
    text = "\ufeffUnit;Period;Outcome;Income\nTirol;2019;1,5;10\nTirol;2020;2;11\n\nWien;2019;3;12\n"
    panel = csv_panel_read(text)
    assert panel.ok and panel.errors == ()
    assert panel.covariate_names == ("income",)
    assert [(r.unit, r.period, r.outcome, r.covariates) for r in panel.rows] == [
        ("Tirol", 2019, 1.5, (10.0,)), ("Tirol", 2020, 2.0, (11.0,)), ("Wien", 2019, 3.0, (12.0,))]


def test_every_bad_row_is_reported_and_nothing_is_kept():
    text = ("unit,period,outcome,x\n"
            "a,2019,1,1\n"
            ",2019,1,1\n"
            "b,next year,1,1\n"
            "c,2019,n/a,inf\n"
            "a,2019,2,1\n"
            "d,2019,1\n"
            + "e" * 201 + ",2019,1,1\n")
    panel = csv_panel_read(text)
    assert not panel.ok and panel.rows == ()
    got = [(e.row, e.code, e.column) for e in panel.errors]
    assert got == [(3, "empty_unit", "unit"), (4, "bad_period", "period"), (5, "bad_number", "outcome"),
                   (5, "bad_number", "x"), (6, "duplicate", "unit"), (7, "wrong_column_count", ""),
                   (8, "unit_too_long", "unit")]
    duplicate = panel.errors[4]
    assert (duplicate.value, duplicate.other_row) == ("a / 2019", 2)
    assert panel.errors[2].value == "n/a"


@pytest.mark.parametrize(("text", "code"), [
    ("", "no_rows"),
    ("unit,period,outcome\n", "no_rows"),
    ("unit,year,value\na,1,2\n", "missing_columns"),
    ("unit,period,outcome," + ",".join(f"c{i}" for i in range(21)) + "\n", "too_many_covariates"),
])
def test_file_level_problems(text, code):
    panel = csv_panel_read(text)
    assert [e.code for e in panel.errors] == [code]
    assert panel.error_count == 1


def test_missing_columns_are_named():
    panel = csv_panel_read("unit,year,value\n")
    assert panel.errors[0].column == "period, outcome"


def test_size_is_bounded_and_the_report_too(monkeypatch):
    body = "".join(f"u{i},2019,1\n" for i in range(5))
    panel = csv_panel_read("unit,period,outcome\n" + body, max_rows=3)
    assert [(e.row, e.code, e.value) for e in panel.errors] == [(5, "too_many_rows", "3")]
    monkeypatch.setattr(csvpanel, "MAX_REPORTED", 2)
    bad = csv_panel_read("unit,period,outcome\n" + "".join(f"u{i},x,1\n" for i in range(5)))
    assert len(bad.errors) == 2 and bad.error_count == 5


def test_broken_quoting_is_not_csv():
    # An unclosed quote swallows the rest of the file into one field, beyond the csv module's limit.
    panel = csv_panel_read('unit,period,outcome\n"a,2019,1\n' + "x" * 200_000)
    assert [e.code for e in panel.errors] == ["not_csv"]


def test_periods_out_of_range():
    panel = csv_panel_read("unit,period,outcome\na,1000000,1\n")
    assert [e.code for e in panel.errors] == ["bad_period"]
