"""Funding rules and the facts behind each decision (no database, no language).

A call funds its ranked applications by one of three rules (``Call.FundingRule``):

- ``rank_strict``: in rank order until the budget runs out -- funding stops at the first
  application whose amount does not fit in what is left;
- ``rank_skip``: in rank order, skipping an application that does not fit and going on with the
  next ones (a smaller, lower-ranked application may then be funded);
- ``optimal``: the optimal portfolio of the stored results (the MILP of ``asis.engines.portfolio``
  under the budget, the minimum score and the group limits of the call).

:func:`propose` applies a rule; :func:`explain` turns the decisions actually taken into facts per
application (the rule, the rank, the amounts, the applications preferred, the criterion keys),
computed from the decisions themselves so that every sentence generated from them is true
whoever took the decisions. :func:`inversions` lists where a lower-ranked application is funded
over a higher-ranked one. The facts are rendered in the reader's language by
:mod:`asis.calls.results.reasons`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
RULES = ("rank_strict", "rank_skip", "optimal")


@dataclass(frozen=True)
class Candidate:
    """One submitted application as the rules see it."""

    id: int
    reference: str
    rank: int | None  # None: not ranked (knocked out, ineligible or no result)
    requested: Decimal
    knock_outs: tuple[str, ...] = ()  # criterion keys
    ineligible: bool = False  # screened out before the evaluation
    score: float | None = None
    selected: bool = False  # in the optimal portfolio of the stored results
    fraction: float | None = None

    @property
    def ranked(self) -> bool:
        return self.rank is not None and not self.ineligible


def candidates_from(result_rows: Iterable[Mapping[str, Any]], applications: Iterable[Any]) -> list[Candidate]:
    """Candidates from the stored result rows and the call's submitted applications (those the
    ranking does not know, e.g. screened out, are unranked)."""
    rows = {r["id"]: r for r in result_rows}
    out = []
    for app in applications:
        row = rows.get(app.pk)
        requested = Decimal(app.requested_amount or 0)
        knock = tuple(str(k).split(" ")[0] for k in (row or {}).get("knock_outs") or ())
        out.append(Candidate(
            id=app.pk, reference=app.reference, requested=requested, knock_outs=knock,
            ineligible=app.eligibility == "ineligible",
            rank=None if row is None or not row["eligible"] else row["rank"],
            score=None if row is None else row.get("score"), selected=bool(row and row.get("selected")),
            fraction=None if row is None else row.get("fraction")))
    return out


def needed(candidate: Candidate, max_grant: Decimal) -> Decimal:
    """What funding the application in full would cost: its request, at most the maximum grant."""
    return min(candidate.requested, max_grant).quantize(CENT)


def _by_rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    return sorted((c for c in candidates if c.ranked), key=lambda c: (c.rank or 0, c.reference))


def _meets_min_score(candidate: Candidate, min_score: float | None) -> bool:
    return min_score is None or (candidate.score is not None and candidate.score >= min_score)


def propose(rule: str, candidates: Sequence[Candidate], *, budget: Decimal, max_grant: Decimal,
            min_score: float | None = None) -> dict[int, Decimal]:
    """The funded applications under ``rule`` and the amount of each (id -> amount)."""
    if rule not in RULES:
        raise ValueError(f"unknown funding rule {rule!r}")
    funded: dict[int, Decimal] = {}
    if rule == "optimal":
        for c in candidates:
            if c.ranked and c.selected:
                share = (c.requested * Decimal(str(c.fraction or 1))).quantize(CENT, ROUND_HALF_UP)
                funded[c.id] = min(share, max_grant)
        return funded
    left = budget
    for c in _by_rank(candidates):
        if not _meets_min_score(c, min_score):
            continue
        amount = needed(c, max_grant)
        if amount <= left:
            funded[c.id] = amount
            left -= amount
        elif rule == "rank_strict":
            break
    return funded


def explain(rule: str, candidates: Sequence[Candidate], funded: Mapping[int, Decimal], *, budget: Decimal,
            max_grant: Decimal, min_score: float | None = None) -> dict[int, dict[str, Any]]:
    """The facts of each decision, from the decisions taken (``funded``: id -> granted amount).

    Each fact set has a ``kind``; amounts are strings (JSON), criteria are keys, the preferred
    applications are references. Kinds: ``funded``, ``knocked_out``, ``ineligible``,
    ``unranked``, ``below_min_score``, ``did_not_fit`` (its amount was more than what the higher-ranked funded
    applications left), ``after_stop`` (strict rule: funding stopped at a higher-ranked
    application that did not fit), ``not_in_portfolio`` (optimal rule) and ``not_selected``
    (none of the above holds: the decision is the committee's, with its recorded justification).
    """
    ranked = _by_rank(candidates)
    count = len(ranked)
    facts: dict[int, dict[str, Any]] = {}
    spent = Decimal("0")
    first_misfit: Candidate | None = None
    for c in ranked:
        base = {"rule": rule, "rank": c.rank, "count": count}
        lower_funded = [o.reference for o in ranked if (o.rank or 0) > (c.rank or 0) and o.id in funded]
        left = budget - spent
        amount = needed(c, max_grant)
        if c.id in funded:
            facts[c.id] = {**base, "kind": "funded", "amount": str(funded[c.id])}
            spent += funded[c.id]
            continue
        if not _meets_min_score(c, min_score):
            facts[c.id] = {**base, "kind": "below_min_score", "min_score": min_score, "lower_funded": lower_funded}
            continue
        if amount > left and first_misfit is None:
            first_misfit = c
        if amount > left:
            facts[c.id] = {**base, "kind": "did_not_fit", "requested": str(c.requested.quantize(CENT)),
                           "needed": str(amount), "left": str(left.quantize(CENT)), "budget": str(budget),
                           "lower_funded": lower_funded}
        elif rule == "rank_strict" and first_misfit is not None and not lower_funded:
            facts[c.id] = {**base, "kind": "after_stop", "stop_reference": first_misfit.reference,
                           "stop_rank": first_misfit.rank}
        elif rule == "optimal" and not c.selected:
            facts[c.id] = {**base, "kind": "not_in_portfolio", "lower_funded": lower_funded}
        else:
            facts[c.id] = {**base, "kind": "not_selected", "lower_funded": lower_funded}
    for c in candidates:
        if c.ranked:
            continue
        if c.ineligible:
            facts[c.id] = {"rule": rule, "kind": "ineligible"}
        elif c.knock_outs:
            facts[c.id] = {"rule": rule, "kind": "knocked_out", "criteria": list(c.knock_outs)}
        else:  # not in the ranking for another reason (e.g. not scored): no rule-made reason to give
            facts[c.id] = {"rule": rule, "kind": "unranked"}
    return facts


@dataclass(frozen=True)
class Inversion:
    """A lower-ranked application funded while a higher-ranked one is not."""

    funded: Candidate
    passed_over: Candidate


def inversions(candidates: Sequence[Candidate], funded: Iterable[int]) -> list[Inversion]:
    """Each pair (funded, passed over) where the funded one ranks lower, the best-ranked first."""
    chosen = set(funded)
    ranked = _by_rank(candidates)
    out: list[Inversion] = []
    for high in ranked:
        if high.id in chosen:
            continue
        out.extend(Inversion(low, high) for low in ranked
                   if low.id in chosen and (low.rank or 0) > (high.rank or 0))
    return out
