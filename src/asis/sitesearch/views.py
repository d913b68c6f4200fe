"""The site-wide search page: every registered source's best matches, grouped by kind."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from asis.core.site_search import search_all

MAX_QUERY = 200


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    text = " ".join(str(request.GET.get("q") or "")[:MAX_QUERY].split())
    groups = search_all(text, user=request.user) if any(ch.isalnum() for ch in text) else []
    return render(request, "sitesearch/results.html", {
        "q": text,
        "groups": groups,
        "total": sum(g.result.count for g in groups),
    })
