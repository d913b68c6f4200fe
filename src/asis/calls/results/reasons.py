"""The facts of a decision (:func:`asis.calls.results.rules.explain`) as sentences in the reader's
language: for the applicant's letter and for the managers' explanation of funded applications
that rank below unfunded ones. Criterion keys become the grid's names in that language, amounts
and numbers are written by the language's rules; nothing here invents a fact the facts do not hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.calls import adapters
from asis.calls.models import Call
from asis.calls.results.rules import Inversion
from asis.core.formatting import money, number, percent


def criterion_names(call: Call, language: str) -> dict[str, str]:
    """Criterion key -> its name in ``language`` (else English, else the first name given)."""
    names = {}
    for criterion in adapters.call_grid(call).criteria:
        label = dict(criterion.label)
        names[criterion.id] = label.get(language) or label.get("en") or next(iter(label.values()), "")
    return names


def portfolio_rules(call: Call) -> list[str]:
    """The call's portfolio rules in plain words, in the active language (regions and challenges
    by name)."""
    from asis.observatory.models import Challenge
    from asis.regions.models import COUNTRIES, Region

    constraints = call.portfolio_constraints or {}
    out = [_("the budget of %(budget)s") % {"budget": money(call.budget)}]
    if constraints.get("min_score") not in (None, ""):
        out.append(_("a minimum score of %(score)s") % {"score": number(constraints["min_score"])})
    for item in constraints.get("groups") or []:
        dimension, code = item.get("dimension"), str(item.get("group", ""))
        if dimension == "region":
            region = Region.objects.filter(code=code).first()
            name = region.name if region else code
        elif dimension == "challenge":
            challenge = Challenge.objects.filter(code=code).first()
            name = str(challenge) if challenge else code
        else:
            name = str(dict(COUNTRIES).get(code, code))
        for key, text in (("min_count", _("at least %(value)s projects in %(group)s")),
                          ("max_count", _("at most %(value)s projects in %(group)s")),
                          ("min_share", _("at least %(value)s of the budget for %(group)s")),
                          ("max_share", _("at most %(value)s of the budget for %(group)s"))):
            value = item.get(key)
            if value in (None, ""):
                continue
            shown = percent(value) if key.endswith("share") else number(value)
            out.append(text % {"value": shown, "group": name})
    return out


def _rank(facts: Mapping[str, Any]) -> str:
    return _("Your application ranked %(rank)s of %(count)s.") % {"rank": facts["rank"], "count": facts["count"]}


def render(facts: Mapping[str, Any], *, call: Call, language: str) -> str:
    """The reason of a decision for its applicant, in ``language``; '' when the facts are empty."""
    if not facts:
        return ""
    with translation.override(language):
        kind = facts.get("kind")
        if kind == "ineligible":
            return _("The application did not meet the eligibility criteria.")
        if kind == "knocked_out":
            names = criterion_names(call, language)
            criteria = [names.get(key, key) for key in facts.get("criteria", [])]
            return ngettext("The application did not reach the minimum score on the criterion %(criteria)s.",
                            "The application did not reach the minimum score on the criteria %(criteria)s.",
                            len(criteria)) % {"criteria": ", ".join(f"“{c}”" for c in criteria)}
        if kind == "funded":
            return _rank(facts)
        if kind == "below_min_score":
            return " ".join([_rank(facts), _("Its score is below the minimum score of %(score)s that the call "
                                             "requires for funding.") % {"score": number(facts["min_score"])}])
        if kind == "did_not_fit":
            parts = [_rank(facts), _("It requests %(requested)s; after funding the applications ranked above it, "
                                     "%(left)s of the budget of %(budget)s were left.")
                     % {"requested": money(facts["requested"]), "left": money(facts["left"]),
                        "budget": money(facts["budget"])}]
            if facts.get("lower_funded") and facts.get("rule") == "rank_skip":
                parts.append(_("The call's rule skips an application that does not fit in the budget left and "
                               "funds the next ones that do; applications ranked below yours were funded that "
                               "way."))
            return " ".join(parts)
        if kind == "after_stop":
            return " ".join([_rank(facts), _(
                "The call funds applications strictly in rank order until the budget runs out: funding stopped "
                "at the application ranked %(stop_rank)s, whose request did not fit in the budget left.")
                % {"stop_rank": facts["stop_rank"]}])
        if kind == "not_in_portfolio":
            return " ".join([_rank(facts), _(
                "The call funds the combination of applications with the highest total score under its rules "
                "(%(rules)s); your application is not part of that combination.")
                % {"rules": "; ".join(portfolio_rules(call))}])
        if kind == "not_selected":
            return " ".join([_rank(facts), _(
                "It would have fitted in the budget left, but the funding committee decided to fund other "
                "applications; the justification of that decision is recorded in the decision file.")])
        return ""


def inversion_sentences(items: Sequence[Inversion], facts: Mapping[int, Mapping[str, Any]], call: Call,
                        *, limit: int = 30) -> list[str]:
    """For the managers, in the active language: why each lower-ranked funded application is
    funded over a higher-ranked one (one sentence per passed-over application)."""
    grouped: dict[int, list[Inversion]] = {}
    for item in items:
        grouped.setdefault(item.passed_over.id, []).append(item)
    out = []
    for pairs in list(grouped.values())[:limit]:
        high = pairs[0].passed_over
        lows = [p.funded for p in pairs]
        funded = ", ".join(_("%(reference)s (rank %(rank)s)") % {"reference": low.reference, "rank": low.rank}
                           for low in lows)
        why = _why(high.reference, facts.get(high.id, {}), call)
        out.append(ngettext(
            "%(funded)s is funded although %(passed)s (rank %(rank)s) is not: %(why)s",
            "%(funded)s are funded although %(passed)s (rank %(rank)s) is not: %(why)s", len(lows))
            % {"funded": funded, "passed": high.reference, "rank": high.rank, "why": why})
    if len(grouped) > limit:
        out.append(ngettext("…and %(count)s more application passed over.",
                            "…and %(count)s more applications passed over.", len(grouped) - limit)
                   % {"count": len(grouped) - limit})
    return out


def _why(reference: str, facts: Mapping[str, Any], call: Call) -> str:
    kind = facts.get("kind")
    if kind == "did_not_fit":
        return _("%(reference)s requests %(requested)s and only %(left)s were left.") % {
            "reference": reference, "requested": money(Decimal(facts["requested"])),
            "left": money(Decimal(facts["left"]))}
    if kind == "below_min_score":
        return _("the score of %(reference)s is below the call's minimum score.") % {"reference": reference}
    if kind == "not_in_portfolio":
        return _("the optimal portfolio under the call's rules (%(rules)s) does not include %(reference)s.") % {
            "rules": "; ".join(portfolio_rules(call)), "reference": reference}
    return _("no funding rule of the call explains it; record the committee's justification.")
