"""Answers under ``/api/`` that no endpoint gives: unknown paths get problem details, not a page."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # nothing is changed: any method gets the same 404, whatever the cookies
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    body = {"type": "about:blank", "title": "Not Found", "status": 404,
            "detail": f"No API endpoint at {request.path}. The endpoints are listed at /api/v1/docs."}
    return JsonResponse(body, status=404, content_type="application/problem+json")
