"""The recall benchmark (benchmarks/search_recall.py) runs and measures what it says, on a small set."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.observatory.catalogue_data import publish

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "search_recall.py"


def _module():
    spec = importlib.util.spec_from_file_location("search_recall", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recall_and_mrr_definitions():
    recall = _module()
    assert recall.recall_at(["a", "x", "b"], ["a", "b", "c", "d"]) == 0.5
    assert recall.recall_at(["x"] * 10, []) == 1.0
    assert recall.recall_at([f"r{i}" for i in range(10)], [f"r{i}" for i in range(40)]) == 1.0  # capped at 10
    assert recall.reciprocal_rank(["x", "y", "a"], ["a"]) == pytest.approx(1 / 3)
    assert recall.reciprocal_rank(["x"] * 10 + ["a"], ["a"]) == 0.0
    report = recall.evaluate([{"q": "one", "lang": "en", "case": "plain", "expect": ["a"]},
                              {"q": "two", "lang": "de", "case": "compound", "expect": ["b"]}],
                             lambda q: ["a"] if q == "one" else ["x", "b"])
    assert report["all"] == {"queries": 2, "recall": 1.0, "mrr": 0.75, "zero": 0}
    assert report["languages"]["de"]["mrr"] == 0.5


@pytest.mark.django_db
def test_recall_script_runs_on_a_small_set():
    recall = _module()
    energy = publish(title="Bürgerenergiegemeinschaft – Tirol", summary="A local project.", language="de",
                     links=["https://initiative-1.demo.asis.example/"])
    sharing = publish(title="Village car sharing", summary="A local project.", links=["https://initiative-2.demo.asis.example/"])
    queries = [{"q": "Energie", "lang": "de", "case": "compound", "expect": ["initiative-1"]},
               {"q": "carsharing", "lang": "en", "case": "variant", "expect": ["initiative-2"]}]
    assert recall.catalogue_search("Energie") == ["initiative-1"]
    report = recall.evaluate(queries, recall.catalogue_search)
    assert report["all"]["recall"] == 1.0 and report["all"]["mrr"] == 1.0
    assert {energy.pk, sharing.pk}  # both published through the services


def test_the_query_set_has_sixty_queries_in_five_languages():
    import json

    data = json.loads((SCRIPT.parent / "search_queries.json").read_text(encoding="utf-8"))
    queries = data["queries"]
    assert len(queries) >= 60
    assert {q["lang"] for q in queries} == {"en", "fr", "de", "it", "sl"}
    assert all(q["expect"] for q in queries)
