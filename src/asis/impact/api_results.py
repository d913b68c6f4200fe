"""Open-data API of validated results (``/api/v1/impact/results``): aggregated, non-personal figures
under CC BY 4.0, each behind at least ``minimum_projects`` projects (see :mod:`asis.impact.open_results`)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import override
from ninja import Field, Query, Schema

from asis.core.api_base import ProblemOut, api
from asis.impact import open_results

TAGS = ["impact"]


class ResultOut(Schema):
    scope: Literal["all", "call", "region"]
    call_id: int | None
    call: str
    region: str
    indicator_code: str
    indicator: str
    value: float
    unit: str
    projects: int
    aggregation_rule: str
    values_mode: str
    licence: str


class ResultsOut(Schema):
    licence: str
    licence_url: str
    attribution: str
    minimum_projects: int
    items: list[ResultOut]


class ResultsFilter(Schema):
    scope: Literal["all", "call", "region"] | None = None
    indicator: Annotated[str, Field(max_length=60)] | None = None
    call_id: int | None = None
    region: Annotated[str, Field(max_length=8)] | None = None
    language: Literal["en", "fr", "de", "it", "sl"] = "en"


@api.get("/impact/results", auth=None, response={200: ResultsOut, 422: ProblemOut}, tags=TAGS,
         summary="Validated results of funded projects, aggregated (open data)")
def impact_results(request: HttpRequest, filters: Query[ResultsFilter]) -> dict[str, object]:
    """Roll-ups of validated report values per indicator: over every funded project (``all``), per
    call and per region (NUTS-2), in the indicator's unit, with the number of projects behind each."""
    with override(filters.language):
        records = open_results.results_records(filters.language)
    wanted = [r for r in records
              if (filters.scope is None or r["scope"] == filters.scope)
              and (filters.indicator is None or r["indicator_code"] == filters.indicator)
              and (filters.call_id is None or r["call_id"] == filters.call_id)
              and (filters.region is None or r["region"] == filters.region.upper())]
    return open_results.envelope(wanted)
