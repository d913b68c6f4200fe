"""Knock-outs and disagreement flags said in the reader's language.

The engine reports them as facts (criterion, threshold, score; spread or an evaluator's distance
from the others' median), stored with each result row; these functions say them with the
criterion's name in the reader's language and numbers in its format. A result set computed
before the facts were stored keeps its engine sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from asis.core.formatting import number


def criterion_names(criteria: Iterable[Mapping[str, Any]], language: str) -> dict[str, str]:
    """Criterion id -> its label in ``language`` (then English, then the id)."""
    return {c["id"]: c["label"].get(language) or c["label"].get("en") or c["id"] for c in criteria}


def knock_out_texts(row: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    details = row.get("knock_out_details")
    if details is None:
        return list(row.get("knock_outs", []))
    return [_("%(criterion)s: %(score)s, below the minimum of %(threshold)s") % {
        "criterion": names.get(d["criterion"], d["criterion"]), "score": number(d["score"], 2),
        "threshold": number(d["threshold"])} for d in details]


def flag_texts(row: Mapping[str, Any]) -> list[str]:
    details = row.get("flag_details")
    if details is None:
        return list(row.get("flags", []))
    texts = []
    for d in details:
        if d["kind"] == "spread":
            texts.append(_("the evaluators' totals are %(spread)s points apart (more than %(threshold)s)") % {
                "spread": number(d["value"], 1), "threshold": number(d["threshold"])})
        else:
            texts.append(_("evaluator %(evaluator)s is %(distance)s points from the other evaluators' median") % {
                "evaluator": d["evaluator"], "distance": number(d["value"], 1)})
    return texts


def worded(row: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The row with ``knock_out_texts`` and ``flag_texts`` for the templates."""
    return {**row, "knock_out_texts": knock_out_texts(row, names), "flag_texts": flag_texts(row)}
