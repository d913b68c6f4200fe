"""Every route and every API operation, walked with NUL and other control characters in its query
parameters, form/JSON fields and path parameters, as an anonymous visitor and as a signed-in
manager (a platform admin for the Django admin): never a 500, no control character reaches a page
(web pages drop them), the API refuses them with 422 problem details (404 in its paths), a web
path with one is the translated 400 page.

Routes and their path parameters come from the URL resolver through the permission matrix
(tests/permission_rules.py fills them with real objects of the ``world`` fixture); a test checks
that the walk covers every resolver route and every operation of the OpenAPI schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import resolve, reverse
from django.utils import translation

from asis.core.control_chars import CONTROL
from tests.test_permission_matrix import all_route_names, rule_for

SRC = Path(__file__).resolve().parents[1] / "src" / "asis"
# One request per character class: NUL (PostgreSQL refuses it in text) and the other controls
# (C0, DEL, C1 with NEL), with a Unicode line separator that must pass through harmlessly.
CLASSES = {"nul": "a\x00b", "controls": "a\x01\x1b\x7f\x85b\u2028c"}
BASE_PARAMS = {"q", "region", "page", "sort", "country", "year", "stage", "challenge", "axis", "org_type",
               "organisation", "page_size", "lang", "next", "format", "type", "code", "id", "zz_anything"}


def read_parameters() -> set[str]:
    """Every query parameter a view reads by name (so a new one is walked without editing here)."""
    names = set(BASE_PARAMS)
    pattern = re.compile(r"request\.GET(?:\.get|\.getlist)?[(\[]\s*\"(\w+)\"")
    for path in SRC.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


PARAMS = sorted(read_parameters())


def walk_routes() -> list[str]:
    return [route for route in all_route_names() if rule_for(route) is not None]


def _roles(route: str) -> tuple[str, ...]:
    return ("anonymous", "platform_admin") if route.startswith("admin:") else ("anonymous", "manager")


def _inject(value: Any, chars: str) -> Any:
    if isinstance(value, str):
        return value + chars
    if isinstance(value, list):
        return [_inject(v, chars) for v in value]
    if isinstance(value, dict):
        return {k: _inject(v, chars) for k, v in value.items()}
    return value


def _send(client: Any, method: str, url: str, query: dict[str, str], data: dict[str, Any]) -> Any:
    if query:
        url = f"{url}?{'&'.join(f'{k}={quote(v)}' for k, v in query.items())}"
    if method == "GET":
        response = client.get(url, data)
    elif method == "POST" and not url.startswith("/api/"):
        response = client.post(url, data)
    else:
        response = client.generic(method, url, json.dumps(data), content_type="application/json")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def _check(route: str, url: str, response: Any, *, path_injected: bool) -> list[str]:
    problems = []
    status = response.status_code
    kind = response.get("Content-Type", "")
    if status >= 500:
        problems.append(f"{status}")
    if url.startswith("/api/"):
        expected = 404 if path_injected else 422
        if status != expected or not kind.startswith("application/problem+json"):
            problems.append(f"API answered {status} {kind}, not {expected} problem details")
    elif path_injected:
        if status != 400 or '<html lang="en">' not in response.content.decode():
            problems.append(f"path with a control character answered {status}, not the 400 page")
    elif kind.startswith("text/html") and CONTROL.search(response.content.decode("utf-8", "replace")):
        problems.append("a control character reached the page")
    return [f"{route} {url[:80]!r}: {p}" for p in problems]


@pytest.mark.parametrize("route", walk_routes())
def test_route_survives_control_characters(route, world):
    rule = rule_for(route)
    with translation.override("en"):
        kwargs = rule.kwargs(world)
        url = reverse(route, kwargs=kwargs)
    failures: list[str] = []
    for role in _roles(route):
        client = world.client_for(role)
        for index, chars in enumerate(CLASSES.values()):
            query = dict.fromkeys(PARAMS, chars)
            response = _send(client, rule.method, url, query, _inject(dict(rule.data), chars))
            failures += _check(route, url, response, path_injected=False)
            if kwargs and index == _roles(route).index(role):  # each role one class: the path gate runs first
                bad = url
                for value in kwargs.values():
                    bad = re.sub(rf"(?<=[/.-]){re.escape(str(value))}(?=[/.]|$)",
                                 lambda m: m.group(0) + quote(chars), bad, count=1)
                assert bad != url, f"{route}: no path parameter to inject in {url}"
                response = _send(client, rule.method, bad, {}, dict(rule.data))
                failures += _check(route, bad, response, path_injected=True)
    assert not failures, "\n".join(failures)


def test_the_walk_covers_every_route_and_api_operation(client, db):
    from tests.test_permission_matrix import ROUTES

    assert set(walk_routes()) == set(ROUTES), "routes the control-character walk does not request"
    walked = set()
    for route in walk_routes():
        if not route.startswith("api:"):
            continue
        pattern = str(ROUTES[route].pattern)
        walked.add((rule_for(route).method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)))
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    operations = {(method.upper(), path.removeprefix("/api/v1/"))
                  for path, methods in schema["paths"].items() for method in methods}
    assert operations <= walked, f"API operations the walk does not request: {sorted(operations - walked)}"
    assert resolve("/api/v1/health").view_name == "api:health"
