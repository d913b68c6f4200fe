"""Open data of validated results (anyone): the page that explains it, the aggregated files and the
IATI activity file. Licence and attribution travel with every file (headers and body)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from asis.core.opendata import ATTRIBUTION, LICENCE, LICENCE_NAME, LICENCE_URL
from asis.impact import exports, open_results

LICENCE_HEADERS = {"Link": f'<{LICENCE_URL}>; rel="license"', "X-License": LICENCE, "X-Attribution": ATTRIBUTION}


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    records = open_results.results_records(get_language() or "en")
    return render(request, "impact/dashboards/open_data.html", {
        "records": [r for r in records if r["scope"] == "all"], "n_records": len(records),
        "minimum": open_results.MIN_PROJECTS, "licence_name": LICENCE_NAME, "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION})


@require_safe
def results_file(request: HttpRequest, fmt: str) -> HttpResponse:
    records = open_results.results_records(get_language() or "en")
    if fmt == "json":
        body = json.dumps(open_results.envelope(records), cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json", headers=LICENCE_HEADERS)
        response["Content-Disposition"] = 'attachment; filename="impact-results.json"'
        return response
    sheet = exports.Sheet("Results", open_results.RECORD_FIELDS,
                          exports.rows([r[c] for c in open_results.RECORD_FIELDS] for r in records))
    return exports.download([sheet], "impact-results", fmt, headers=LICENCE_HEADERS)


@require_safe
def iati_file(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(open_results.iati_activities(), content_type="application/xml; charset=utf-8",
                            headers=LICENCE_HEADERS)
    response["Content-Disposition"] = 'attachment; filename="iati-activities.xml"'
    return response
