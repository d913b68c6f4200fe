"""The assessment pipeline from long scores to per-application results."""

import json

import numpy as np
import pytest

from asis.engines import assess as pipeline
from asis.engines.assess import (
    AssessOptions,
    ConsensusScore,
    CostRecord,
    FundingRules,
    ScoreRecord,
)
from asis.engines.errors import DisconnectedDesignError, InvalidInputError
from asis.engines.grids import load_builtin
from asis.engines.portfolio import GroupConstraint

CORE = load_builtin("asis-core")
ASIS = load_builtin("asis")


def _scores(table, grid=CORE):
    """table: {(application, evaluator): [score per criterion]}"""
    return [
        ScoreRecord(app, ev, crit, float(v))
        for (app, ev), values in table.items()
        for crit, v in zip(grid.criterion_ids, values, strict=True)
    ]


TABLE = {
    ("A", "e1"): [5, 4, 5],
    ("A", "e2"): [4, 4, 4],
    ("B", "e1"): [3, 3, 3],
    ("B", "e2"): [2, 3, 2],
    ("C", "e1"): [1, 2, 1],
    ("C", "e2"): [1, 1, 0],
}


def test_weighted_sum_by_hand():
    res = pipeline.assess(_scores(TABLE), CORE)
    by_id = {a.id: a for a in res.applications}
    # A: criterion means 4.5, 4, 4.5 on 0-5 -> (0.9 + 0.8 + 0.9) / 3 * 100
    assert by_id["A"].score == pytest.approx(100 * (0.9 + 0.8 + 0.9) / 3)
    assert [by_id[k].rank for k in "ABC"] == [1, 2, 3]
    assert by_id["A"].criterion_scores == {"newness": 4.5, "co_creation": 4.0, "impact": 4.5}
    assert res.icc_note.startswith("complete design")
    assert set(res.icc) == {"ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"}
    assert res.alpha["total"] is not None and res.alpha["total"] > 0.8
    data = res.to_dict()
    json.dumps(data)
    assert data["applications"][0]["id"] == "A"


@pytest.mark.parametrize("method", ["topsis", "promethee_ii", "vikor"])
def test_other_methods_keep_the_obvious_order(method):
    res = pipeline.assess(_scores(TABLE), CORE, options=AssessOptions(method=method))
    assert [a.rank for a in res.applications] == [1, 2, 3]
    assert all(0 <= a.score <= 100 for a in res.applications)


@pytest.mark.parametrize("calibration", ["standardise", "evaluator_effects"])
def test_calibration_removes_a_constant_offset(calibration):
    table = {
        ("A", "lenient"): [5, 5, 5],
        ("A", "fair"): [4, 4, 4],
        ("B", "fair"): [3, 3, 3],
        ("B", "harsh"): [2, 2, 2],
        ("C", "harsh"): [2, 2, 2],
        ("C", "lenient"): [4, 4, 4],
    }
    res = pipeline.assess(_scores(table), CORE, options=AssessOptions(calibration=calibration))
    offsets = {e.id: e.calibration_offset for e in res.evaluators}
    assert offsets["lenient"] > 0 > offsets["harsh"]
    raw = pipeline.assess(_scores(table), CORE)
    assert {e.id: e.calibration_offset for e in raw.evaluators} == {
        "lenient": 0.0,
        "fair": 0.0,
        "harsh": 0.0,
    }
    lenient = next(e for e in raw.evaluators if e.id == "lenient")
    assert lenient.leniency > 0


def test_disconnected_design_is_reported():
    table = {("A", "e1"): [3, 3, 3], ("B", "e2"): [2, 2, 2]}
    with pytest.raises(DisconnectedDesignError):
        pipeline.assess(
            _scores(table), CORE, options=AssessOptions(calibration="evaluator_effects")
        )


def test_knock_out_consensus_flags_smaa_and_portfolio():
    rows = []
    apps = [f"P{i}" for i in range(6)]
    evals = ["e1", "e2", "e3", "e4"]
    for i, app in enumerate(apps):
        for j in range(3):
            ev = evals[(i + j) % 4]
            for crit in ASIS.criteria:
                if crit.id == "programme_relevance":
                    value = 0.0 if app == "P5" else 1.0
                else:
                    value = float(min(5, max(0, 5 - i + (j == 0 and i == 2) * 3 - (j == 1))))
                rows.append(ScoreRecord(app, ev, crit.id, value))
    costs = [
        CostRecord(app, 10.0 + i, {"region": "AT" if i % 2 else "IT"}) for i, app in enumerate(apps)
    ]
    funding = FundingRules(
        budget=35.0,
        groups=(GroupConstraint("region", "IT", max_count=1),),
        exclusions=(("P0", "P1"),),
    )
    consensus = [ConsensusScore("P4", "newness", 0.0, "plagiarised idea, confirmed by the panel")]
    progress = []
    res = pipeline.assess(
        rows,
        ASIS,
        options=AssessOptions(
            smaa_draws=500, weight_spread=0.5, bootstrap_evaluators=True, spread_threshold=10
        ),
        costs=costs,
        funding=funding,
        consensus=consensus,
        progress=lambda done, total: progress.append(done),
    )
    by_id = {a.id: a for a in res.applications}
    assert (
        not by_id["P5"].eligible and "programme_relevance below minimum 1" in by_id["P5"].knock_outs
    )
    assert by_id["P5"].rank is None and by_id["P5"].score is None
    assert by_id["P5"].decision.endswith("programme_relevance below minimum 1")
    assert not by_id["P4"].eligible  # consensus 0 on newness is below its threshold 2
    assert res.consensus[0][:2] == ("P4", "newness") and res.consensus[0][3] == 0.0
    assert by_id["P2"].flags and "evaluator" in by_id["P2"].flags[-1]
    # The structured facts say the same as the sentences, for callers that speak other languages.
    (knock,) = [d for d in by_id["P5"].knock_out_details if d.criterion == "programme_relevance"]
    assert knock.threshold == 1 and knock.score < 1
    assert by_id["P4"].knock_out_details[0].criterion == "newness"
    outlier = by_id["P2"].flag_details[-1]
    assert outlier.kind == "outlier" and outlier.evaluator in by_id["P2"].flags[-1]
    assert f"{outlier.value:.1f} points" in by_id["P2"].flags[-1]
    assert all(not a.flag_details for a in res.applications if not a.flags)
    assert (
        by_id["P0"].first_rank_probability is not None
        and by_id["P0"].funding_probability is not None
    )
    assert sum(a.first_rank_probability or 0 for a in res.applications) == pytest.approx(1.0)
    assert res.portfolio is not None and res.portfolio.total_cost <= 35
    assert progress[-1] == 500
    assert res.smaa_acceptance_rate is not None
    assert res.icc_note.startswith("incomplete design")
    json.dumps(res.to_dict())


def test_smaa_without_funding_and_all_ineligible():
    res = pipeline.assess(_scores(TABLE), CORE, options=AssessOptions(smaa_draws=50))
    assert res.applications[0].funding_probability is None
    rows = [ScoreRecord("A", "e1", c.id, 0.0) for c in ASIS.criteria]
    none = pipeline.assess(rows, ASIS, options=AssessOptions(smaa_draws=10))
    assert not none.applications[0].eligible
    assert none.alpha["total"] is None
    assert none.icc_note.startswith("not computed")


def test_icc_not_computed_when_no_variance():
    table = {
        ("A", "e1"): [3, 3, 3],
        ("A", "e2"): [3, 3, 3],
        ("B", "e1"): [3, 3, 3],
        ("B", "e2"): [3, 3, 3],
    }
    res = pipeline.assess(_scores(table), CORE)
    assert res.icc == {} and "no variance" in res.icc_note
    assert res.alpha["newness"] is None


@pytest.mark.parametrize(
    ("records", "field"),
    [
        ([], "scores"),
        ([ScoreRecord("A", "e1", "bogus", 1.0)], "scores[0].criterion"),
        ([ScoreRecord("", "e1", "newness", 1.0)], "scores[0]"),
        ([ScoreRecord("A", "e1", "newness", 7.0)], "scores[0].score"),
        ([ScoreRecord("A", "e1", "newness", float("nan"))], "scores[0].score"),
        (
            [ScoreRecord("A", "e1", "newness", 1.0), ScoreRecord("A", "e1", "newness", 2.0)],
            "scores[1]",
        ),
        ([ScoreRecord("A", "e1", "newness", 1.0)], "scores"),  # missing criteria
    ],
)
def test_bad_scores(records, field):
    with pytest.raises(InvalidInputError) as err:
        pipeline.assess(records, CORE)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"options": AssessOptions(method="electre")}, "method"),
        ({"options": AssessOptions(calibration="magic")}, "calibration"),
        ({"consensus": [ConsensusScore("Z", "newness", 1.0, "x")]}, "consensus[0].application"),
        ({"consensus": [ConsensusScore("A", "bogus", 1.0, "x")]}, "consensus[0].criterion"),
        ({"consensus": [ConsensusScore("A", "newness", 1.0, "")]}, "overrides[0].reason"),
        ({"costs": [CostRecord("A", 1.0), CostRecord("A", 1.0)]}, "costs[1].application"),
        ({"costs": [CostRecord("Z", 1.0)]}, "costs[0].application"),
        ({"costs": [CostRecord("A", -1.0)]}, "costs[0].cost"),
        ({"costs": [CostRecord("A", 1.0)]}, "costs"),
    ],
)
def test_bad_options_and_side_inputs(kwargs, field):
    with pytest.raises(InvalidInputError) as err:
        pipeline.assess(_scores(TABLE), CORE, **kwargs)
    assert err.value.field == field


def test_jsonable_handles_numpy_scalars():
    assert pipeline._jsonable({"a": np.int64(3), "b": np.float64(np.nan), "c": (1.0,)}) == {
        "a": 3,
        "b": None,
        "c": [1.0],
    }


def test_icc_skipped_when_an_application_has_one_evaluator():
    table = {("A", "e1"): [3, 4, 5], ("A", "e2"): [2, 4, 4], ("B", "e1"): [1, 2, 1]}
    res = pipeline.assess(_scores(table), CORE)
    assert res.icc == {} and "fewer than two" in res.icc_note
