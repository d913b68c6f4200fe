"""Criteria grids: shipped grids, round trip, validation naming the field."""

import copy
import json

import pytest

from asis.engines import grids
from asis.engines.errors import InvalidInputError

ASIS_CRITERIA = {
    "newness",
    "social_need",
    "co_creation",
    "method",
    "feasibility",
    "finance",
    "risk",
    "local_impact",
    "measurability",
    "ecology",
    "programme_relevance",
}


def test_builtin_grids():
    assert set(grids.builtin_names()) >= {"asis", "asis-core"}
    asis = grids.load_builtin("asis")
    assert set(asis.criterion_ids) == ASIS_CRITERIA
    assert sum(asis.weights) == pytest.approx(1.0)
    relevance = next(c for c in asis.criteria if c.id == "programme_relevance")
    assert asis.scale_of(relevance).kind == "pass_fail" and relevance.threshold == 1
    assert asis.scale_of(asis.criteria[0]).levels == (0, 1, 2, 3, 4, 5)
    core = grids.load_builtin("asis-core")
    assert len(core.criteria) == 3


@pytest.mark.parametrize("name", ["asis", "asis-core"])
def test_every_text_in_five_languages_and_distinct(name):
    grid = grids.load_builtin(name)
    for crit in grid.criteria:
        for texts in (crit.label, crit.description):
            assert set(texts) == set(grids.LANGUAGES)
            assert len(set(texts.values())) == 5, texts  # really translated, not copied
    for scale in grid.scales:
        for anchor in scale.anchors.values():
            assert len(set(anchor.values())) == 5


@pytest.mark.parametrize("name", ["asis", "asis-core"])
def test_round_trip(name):
    grid = grids.load_builtin(name)
    assert grids.Grid.from_json(grid.to_json()) == grid
    assert grids.Grid.from_dict(json.loads(json.dumps(grid.to_dict()))) == grid


def test_unknown_builtin():
    with pytest.raises(InvalidInputError, match="unknown grid"):
        grids.load_builtin("nope")


def _base():
    return grids.load_builtin("asis").to_dict()


def _set(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("criteria",), [], "criteria"),
        (("scales",), [], "scales"),
        (("criteria", 2, "weight"), -1, "criteria[2].weight"),
        (("criteria", 2, "weight"), "heavy", "criteria[2].weight"),
        (("criteria", 2, "weight"), True, "criteria[2].weight"),
        (("criteria", 1, "id"), "newness", "criteria[1].id"),
        (("criteria", 1, "id"), "", "criteria[1].id"),
        (("criteria", 1, "scale"), "0-100", "criteria[1].scale"),
        (("criteria", 1, "threshold"), 9, "criteria[1].threshold"),
        (("criteria", 1, "label"), "Need", "criteria[1].label"),
        (("criteria", 1, "label", "sl"), "", "criteria[1].label"),
        (("criteria", 1, "label", "es"), "Necesidad", "criteria[1].label"),
        (("criteria", 1, "description"), KeyError, "criteria[1].description"),
        (("scales", 0, "kind"), "likert", "scales[0].kind"),
        (("scales", 0, "max"), 0, "scales[0].max"),
        (("scales", 1, "max"), 2, "scales[1].max"),
        (("scales", 0, "anchors"), [], "scales[0].anchors"),
        (("scales", 0, "anchors", "3"), KeyError, "scales[0].anchors.3"),
        (("scales", 0, "anchors", "9"), {"en": "x"}, "scales[0].anchors"),
        (("scales", 1, "id"), "score-0-5", "scales"),
        (("name",), KeyError, "name"),
    ],
)
def test_validation_names_the_field(path, value, field):
    data = _set(copy.deepcopy(_base()), path, value)
    with pytest.raises(InvalidInputError) as err:
        grids.Grid.from_dict(data)
    assert err.value.field == field


def test_all_zero_weights_rejected():
    data = _base()
    for crit in data["criteria"]:
        crit["weight"] = 0
    with pytest.raises(InvalidInputError, match="all be zero"):
        grids.Grid.from_dict(data)


@pytest.mark.parametrize(("text", "message"), [("{", "not valid JSON"), ("[]", "JSON object")])
def test_from_json_errors(text, message):
    with pytest.raises(InvalidInputError, match=message):
        grids.Grid.from_json(text)
