"""Downloads of the results part: a call's ranking (CSV, XLSX; managers) and the funded projects
across calls (CSV, JSON; open data under CC BY 4.0).

Spreadsheet formula injection is neutralised as in the observatory's exports: a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe;
numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, StreamingHttpResponse

from asis.calls.models import FundedProject, ResultSet
from asis.core.opendata import ATTRIBUTION, LICENCE, LICENCE_URL, spreadsheet_cell
from asis.core.sheets import XLSX, Sheet, xlsx_bytes

FUNDED_COLUMNS = ("id", "title", "organisation", "region", "country", "call", "call_id", "amount_eur", "year",
                  "status", "licence")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_cell(v) for v in row])


# --- results -------------------------------------------------------------------------------------

def results_table(result: ResultSet) -> tuple[list[str], list[list[Any]]]:
    methods: list[str] = list(result.params.get("methods") or [result.params.get("method", "weighted_sum")])
    criteria = [c["id"] for c in result.data.get("criteria", [])]
    header = ["rank", "reference", "title", "organisation", "region", "country", "challenges", "requested_eur",
              "eligible", "knock_outs", "n_evaluators", "flags", "score"]
    header += [f"rank_{m}" for m in methods] + [f"score_{m}" for m in methods]
    header += ["rank_without_calibration", "first_rank_probability", "expected_rank", "funding_probability",
               "selected_optimal", "fraction", "selected_greedy"] + [f"criterion_{c}" for c in criteria]
    rows = []
    for r in result.data.get("applications", []):
        rows.append([r["rank"], r["reference"], r["title"], r["organisation"], r["region"], r["country"],
                     " ".join(r["challenges"]), r["requested"], r["eligible"], "; ".join(r["knock_outs"]),
                     r["n_evaluators"], "; ".join(r["flags"]), r["score"]]
                    + [r["ranks"].get(m) for m in methods] + [r["scores"].get(m) for m in methods]
                    + [r["uncalibrated_rank"], r["first_rank_probability"], r["expected_rank"],
                       r["funding_probability"], r["selected"], r["fraction"], r["greedy_selected"]]
                    + [r["criterion_scores"].get(c) for c in criteria])
    return header, rows


def results_response(result: ResultSet, fmt: str) -> HttpResponse | StreamingHttpResponse:
    header, rows = results_table(result)
    name = f"results-call-{result.call_id}-{result.created_at:%Y%m%d-%H%M}"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        parameters = [(k, json.dumps(v, default=str) if isinstance(v, dict | list) else v)
                      for k, v in result.params.items() if k != "grid"]
        return HttpResponse(xlsx_bytes([Sheet("Results", tuple(header), tuple(map(tuple, rows))),
                                        Sheet("Parameters", ("parameter", "value"), tuple(parameters))]),
                            content_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    raise Http404("Unknown format")




# --- funded projects (open data) ---------------------------------------------------------------------

def funded_projects() -> Any:
    return (FundedProject.objects.select_related("application", "application__organisation", "application__region",
                                                 "application__call")
            .order_by("-created_at", "pk"))


def funded_record(project: FundedProject, language: str) -> dict[str, Any]:
    app = project.application
    return {"id": project.pk, "title": app.translated("title", language).text, "organisation": app.organisation.name,
            "region": app.region.code if app.region_id else "", "country": app.region.country if app.region_id else "",
            "call": app.call.translated("title", language).text, "call_id": app.call_id, "amount_eur": project.grant,
            "year": project.created_at.year, "status": project.status, "licence": LICENCE}


def funded_response(fmt: str, language: str) -> HttpResponse | StreamingHttpResponse:
    records = (funded_record(p, language) for p in funded_projects().iterator(chunk_size=500))
    headers = {"Link": f'<{LICENCE_URL}>; rel="license"', "X-License": LICENCE, "X-Attribution": ATTRIBUTION}
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(FUNDED_COLUMNS, ([r[c] for c in FUNDED_COLUMNS]
                                                                      for r in records)),
                                         content_type="text/csv; charset=utf-8", headers=headers)
        response["Content-Disposition"] = 'attachment; filename="funded-projects.csv"'
        return response
    if fmt == "json":
        body = json.dumps({"licence": LICENCE, "licence_url": LICENCE_URL, "attribution": ATTRIBUTION,
                           "items": list(records)}, cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json", headers=headers)
        response["Content-Disposition"] = 'attachment; filename="funded-projects.json"'
        return response
    raise Http404("Unknown format")

