"""What a scenario's levers imply that a policy officer may not expect, in words: computed from the
engine's ``derive`` (grant slots per call and region round down to whole projects). Warnings never
refuse a run; the scenario page, the live preview and the API show the same ones."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asis.core.formatting import money, number, percent
from asis.engines.simulation.model import derive
from asis.engines.simulation.parameters import RunSpec


def _region_names(codes: list[str]) -> list[str]:
    from asis.regions.models import Region

    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(code) or code for code in codes]


def spec_warnings(spec: RunSpec) -> list[str]:
    levers = spec.levers
    d = derive(spec)
    codes = spec.geography.codes
    if levers.budget_eur_per_year <= 0:
        return [_("With no budget, no project is funded: the scenario shows initiatives without funding.")]
    per_call = levers.budget_eur_per_year / levers.calls_per_year
    if d.grant_eur > 0 and per_call < d.grant_eur:
        return [_("Each call has %(per_call)s, less than one grant of %(grant)s: no project can be funded.")
                % {"per_call": money(per_call, decimals=0), "grant": money(d.grant_eur, decimals=0)}]
    agents = spec.geography.agents_array
    starved = [code for code, slots, n in zip(codes, d.slots_per_call, agents, strict=True) if slots == 0 and n > 0]
    if len(starved) == len(codes):
        return [ngettext("With %(calls)s call a year, %(budget)s per call funds no project in any region: a "
                         "project needs a grant of %(grant)s in one region.",
                         "With %(calls)s calls a year, %(budget)s per call funds no project in any region: a "
                         "project needs a grant of %(grant)s in one region.", levers.calls_per_year)
                % {"calls": number(levers.calls_per_year), "budget": money(per_call, decimals=0),
                   "grant": money(d.grant_eur, decimals=0)}]
    out = []
    if starved:
        out.append(ngettext(
            "With %(calls)s calls a year this budget funds no project in %(count)s of %(total)s regions: "
            "%(regions)s.",
            "With %(calls)s calls a year this budget funds no project in %(count)s of %(total)s regions: "
            "%(regions)s.", len(starved))
            % {"calls": number(levers.calls_per_year), "count": number(len(starved)), "total": number(len(codes)),
               "regions": ", ".join(_region_names(starved))})
    funded_share = (d.slots_per_call.sum() * d.grant_eur * levers.calls_per_year) / levers.budget_eur_per_year
    if funded_share < 0.9:
        out.append(_("Grants are whole projects: only %(share)s of the budget can be spent each year.")
                   % {"share": percent(funded_share)})
    return out
