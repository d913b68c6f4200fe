"""Krippendorff's alpha, Shrout-Fleiss ICC, disagreement flags, evaluator report."""

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asis.engines import agreement
from asis.engines.errors import InvalidInputError

nan = np.nan
#: Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
#: 4 observers x 12 units, values 1-5, with missing data.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)

#: Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]],
    dtype=float,
)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_krippendorff_2011_example(level, published):
    """Krippendorff (2011) reports alpha = .743 (nominal), .815 (ordinal), .849 (interval)
    and .797 (ratio) for this data set."""
    res = agreement.krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert res.alpha == pytest.approx(published, abs=5e-4)
    assert res.defined and res.level == level
    assert res.pairable_values == 40


@pytest.mark.parametrize("level", agreement.LEVELS)
@pytest.mark.parametrize("seed", range(4))
def test_alpha_matches_krippendorff_package(level, seed):
    rng = np.random.default_rng(seed)
    data = rng.integers(1, 6, (5, 40)).astype(float)
    data[rng.random(data.shape) < 0.3] = nan
    ours = agreement.krippendorff_alpha(data, level).alpha
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-10)


def test_alpha_interval_continuous_values():
    rng = np.random.default_rng(3)
    data = rng.normal(size=(3, 50))
    data[0, :5] = nan
    ours = agreement.krippendorff_alpha(data, "interval").alpha
    assert ours == pytest.approx(krippendorff.alpha(data, level_of_measurement="interval"))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 5), min_size=2, max_size=15).filter(lambda v: len(set(v)) > 1),
    st.integers(2, 5),
    st.sampled_from(agreement.LEVELS),
)
def test_alpha_is_one_for_perfect_agreement(units, n_evaluators, level):
    data = np.tile(np.array(units, dtype=float), (n_evaluators, 1))
    assert agreement.krippendorff_alpha(data, level).alpha == pytest.approx(1.0)


def test_alpha_undefined_without_variation():
    for level in agreement.LEVELS:
        res = agreement.krippendorff_alpha(np.full((2, 3), 2.0), level)
        assert not res.defined and np.isnan(res.alpha)


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_alpha_needs_pairable_values(level):
    with pytest.raises(InvalidInputError, match="pairable"):
        agreement.krippendorff_alpha([[1, nan], [nan, 2]], level)


def test_alpha_rejects_bad_level_and_negative_ratio():
    with pytest.raises(InvalidInputError) as err:
        agreement.krippendorff_alpha([[1, 2], [1, 2]], "cardinal")
    assert err.value.field == "level"
    with pytest.raises(InvalidInputError, match="non-negative"):
        agreement.krippendorff_alpha([[-1, 2], [1, 2]], "ratio")


def test_icc_shrout_fleiss_table():
    """Shrout & Fleiss (1979), Table 4: ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71,
    ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91."""
    res = agreement.icc(SHROUT_FLEISS)
    published = {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }
    for name, value in published.items():
        assert res[name].value == pytest.approx(value, abs=0.005)
    assert [f.name for f in res.forms] == list(published)
    assert res.targets == 6 and res.judges == 4
    with pytest.raises(KeyError):
        res["ICC(4,1)"]


def _pingouin(ratings):
    n, k = ratings.shape
    frame = pd.DataFrame(
        [(i, j, ratings[i, j]) for i in range(n) for j in range(k)],
        columns=["target", "rater", "score"],
    )
    return pingouin.intraclass_corr(frame, targets="target", raters="rater", ratings="score")


@pytest.mark.parametrize("seed", range(4))
def test_icc_matches_pingouin(seed):
    rng = np.random.default_rng(seed)
    ratings = rng.normal(size=(15, 1)) + rng.normal(size=(1, 4)) * 0.5
    ratings = ratings + rng.normal(scale=0.7, size=(15, 4))
    ours = agreement.icc(ratings)
    table = _pingouin(ratings)
    for form, (_, row) in zip(ours.forms, table.iterrows(), strict=True):
        assert form.value == pytest.approx(row["ICC"])
        assert form.f == pytest.approx(row["F"])
        assert form.df1 == row["df1"] and form.df2 == pytest.approx(row["df2"])
        assert form.p_value == pytest.approx(row["pval"])
        ci = row[table.columns[-1]]  # CI95%, rounded to 2 decimals by pingouin
        assert form.ci95[0] == pytest.approx(ci[0], abs=0.006)
        assert form.ci95[1] == pytest.approx(ci[1], abs=0.006)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        (np.ones((1, 3)), "at least 2"),
        (np.ones((3, 3)), "no variance between targets"),
        ([[1, nan], [2, 3]], "NaN"),
    ],
)
def test_icc_rejects_bad_input(ratings, message):
    with pytest.raises(InvalidInputError, match=message):
        agreement.icc(ratings)


def test_icc_perfect_agreement():
    ratings = np.tile(np.arange(5.0)[:, None], (1, 3))
    res = agreement.icc(ratings)
    assert all(f.value == pytest.approx(1.0) for f in res.forms)
    assert all(np.isnan(f.ci95[0]) and f.p_value == 0.0 for f in res.forms)
    offsets = agreement.icc(ratings + np.array([0.0, 1.0, 2.0]))
    assert offsets["ICC(3,1)"].value == pytest.approx(1.0)
    assert offsets["ICC(1,1)"].value < 1.0 and not np.isnan(offsets["ICC(1,1)"].ci95[0])


def test_disagreement_flags():
    scores = np.array(
        [
            [3.0, 1.0, 4.0, nan],
            [3.0, 5.0, 4.0, 2.0],
            [3.5, 3.0, 0.0, nan],
            [nan, nan, 4.0, nan],
        ]
    )
    flags = agreement.disagreement_flags(scores, spread_threshold=2.0, outlier_threshold=3.0)
    by_app = {f.application: f for f in flags}
    assert set(by_app) == {1, 2}
    assert by_app[1].spread == 4.0 and by_app[1].outlier is None
    assert by_app[2].outlier == 2 and by_app[2].outlier_distance == 4.0
    assert any("evaluator 2" in r for r in by_app[2].reasons)
    # default outlier threshold = spread threshold; an outlier alone can flag
    only_outlier = agreement.disagreement_flags(
        [[1.0], [1.0], [1.0], [2.5]], spread_threshold=2.0, outlier_threshold=1.0
    )
    assert only_outlier[0].reasons == ("evaluator 3 is 1.5 from the others' median",)
    with pytest.raises(InvalidInputError):
        agreement.disagreement_flags(scores, spread_threshold=-1)


def test_evaluator_report_leniency_and_consistency():
    base = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    scores = np.vstack([base + 1.0, base, base - 1.0, [nan, nan, nan, nan, 3.0]])
    scores = np.vstack([scores, np.full(5, nan)])
    scores[4, 0] = 2.0
    scores[0, 0] = nan
    report = agreement.evaluator_report(scores)
    lenient, middle, harsh, single, lonely = report
    assert lenient.leniency > 0.5 and harsh.leniency < -0.5
    assert middle.consistency > 0.9
    assert single.n_scored == 1 and np.isnan(single.sd) and np.isnan(single.consistency)
    assert lonely.n_shared == 1
    empty = agreement.evaluator_report([[1.0, nan], [nan, 2.0], [nan, nan]])
    assert np.isnan(empty[0].leniency) and np.isnan(empty[2].mean)
