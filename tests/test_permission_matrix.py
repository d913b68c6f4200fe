"""Every route x every role: the response must match the declared rule (tests/permission_rules.py).

Routes come from the URL conf (which includes every REST API operation); a check against the
OpenAPI schema makes sure no API operation escapes the URL conf.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.conftest import ROLE_NAMES
from tests.permission_rules import ADMIN_EXCEPTIONS, ADMIN_ONLY, RULES, Rule


def _walk(patterns: list[Any], namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None and namespace == "admin":
                continue  # the admin's unnamed patterns only redirect to its named views
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern


ROUTES = dict(_walk(get_resolver().url_patterns))


def all_route_names() -> list[str]:
    return sorted(ROUTES)


def _admin_model(route: str):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.startswith(prefix):
            return model, route[len(prefix):]
    return None, None


def _admin_rule(route: str) -> Rule:
    model, _action = _admin_model(route)
    if model is None and "user" in route:
        from asis.accounts.models import User

        model = User

    def kwargs(world: Any) -> dict[str, Any]:
        if route == "admin:app_list":
            return {"app_label": "accounts"}
        if route == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            ct = ContentType.objects.get_for_model(world.org)
            return {"content_type_id": ct.pk, "object_id": world.org.pk}
        params = list(ROUTES[route].pattern.regex.groupindex)
        if model is not None and params:
            obj = model._default_manager.order_by("pk").first()
            if obj is None:
                obj = _make_admin_object(model)
            return {params[0]: obj.pk}
        return {}

    declared = ADMIN_EXCEPTIONS.get(route, Rule(ADMIN_ONLY))
    return Rule(declared.allowed, declared.method, kwargs=kwargs, data=declared.data)


def _make_admin_object(model):
    from asis.core.audit import audit_record
    from asis.core.models import Job

    if model is Job:
        return Job.objects.create(kind="audit.verify")
    if model._meta.label_lower == "core.sitepage":
        from asis.core.page_defaults import site_pages_seed

        site_pages_seed(model)
        return model.objects.order_by("pk").first()
    if model._meta.label_lower == "core.auditentry":
        return audit_record(action="asis.test.created")
    if model._meta.label_lower == "otp_totp.totpdevice":
        from django_otp.plugins.otp_totp.models import TOTPDevice


        return TOTPDevice.objects.create(user=world_user(), name="t", confirmed=False)
    if model._meta.label_lower == "accounts.apitoken":
        from asis.accounts.services import api_token_create

        return api_token_create(user=world_user(), name="t")[0]
    if model._meta.label_lower == "django_tasks_database.dbtaskresult":
        from asis.core.jobs import run_job

        return model.objects.get(pk=run_job.enqueue("00000000-0000-0000-0000-000000000000").id)
    if model._meta.label_lower in {"observatory.initiative", "observatory.initiativerevision"}:
        from asis.observatory.models import Initiative
        from asis.observatory.services import initiative_save
        from asis.regions.models import Region

        initiative = initiative_save(actor=None, initiative=Initiative(title="Admin test", summary="For the matrix"),
                                     regions=[Region.objects.get(code="AT33")])
        return initiative if model is Initiative else initiative.revisions.first()
    if model._meta.label_lower in {"observatory.challenge", "observatory.axis"}:
        return model.objects.create(code=f"matrix-{model._meta.model_name}", name="Matrix term")
    if model._meta.label_lower == "auth.group":
        return model.objects.create(name="editors")
    if model._meta.app_label == "axes":
        from django.utils import timezone

        fields = {"ip_address": "127.0.0.1", "user_agent": "t", "username": "x", "attempt_time": timezone.now()}
        if model._meta.model_name == "accessattempt":
            fields.update(get_data="", post_data="", failures_since_start=1, path_info="/")
        if model._meta.model_name == "accesslog":
            fields.update(path_info="/")
        if model._meta.model_name == "accessfailurelog":
            fields.update(path_info="/", locked_out=False)
        return model.objects.create(**fields)
    if model._meta.app_label == "calls":
        from tests.calls.helpers import make_application, make_call

        call = make_call(world_org())
        if model._meta.model_name == "call":
            return call
        application = make_application(call, world_user(), world_org())
        if model._meta.model_name == "application":
            return application
        if model._meta.model_name == "notification":
            return model.objects.create(kind="test", language="en", subject="s", body="b", status="sent",
                                        call=call, application=application)
    if model._meta.label == "impact.FinancialProxy":
        return model.objects.create(name="Matrix proxy", value=1, unit="person per year", price_year=2024,
                                    source="Matrix test")
    if model._meta.label == "impact.Indicator":
        from tests.impact.helpers import make_indicator

        return make_indicator()
    raise AssertionError(f"no object factory for admin model {model._meta.label}")


def world_org():
    from asis.accounts.models import Organisation

    return Organisation.objects.order_by("pk").first()


def world_user():
    from asis.accounts.models import User

    return User.objects.order_by("pk").first()


def rule_for(route: str) -> Rule | None:
    if route.startswith("admin:"):
        return _admin_rule(route)
    return RULES.get(route)


def test_every_route_has_a_declared_rule():
    missing = [name for name in all_route_names() if rule_for(name) is None]
    assert not missing, f"routes without a permission rule in tests/permission_rules.py: {missing}"


def test_no_stale_rules():
    names = set(all_route_names())
    stale = sorted(set(RULES) - names) + sorted(set(ADMIN_EXCEPTIONS) - names)
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_every_api_operation_is_in_the_url_conf(client):
    import re

    from django.urls import resolve

    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert schema["paths"], "the API schema lists no operation"
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        match = resolve(concrete if concrete.startswith("/api/v1") else "/api/v1" + concrete)
        assert rule_for(match.view_name) is not None, f"API {sorted(operations)} {path} has no rule"


# REST API routes that serve the API's own description, not an operation of the OpenAPI schema.
API_NON_OPERATIONS = {"api:api-root", "api:openapi-json", "api:openapi-view"}


def _api_operation(route: str) -> tuple[str, str]:
    """The (method, OpenAPI path) that the matrix exercises for a REST API route."""
    import re

    with translation.override("en"):
        prefix = reverse("api:api-root")
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(ROUTES[route].pattern))
    return RULES[route].method.upper(), prefix.rstrip("/") + "/" + path if path else prefix


def test_matrix_covers_exactly_every_route_and_api_operation(client):
    """Routes (every app's URL conf) and API operations (method + path, from the OpenAPI schema)
    equal what the matrix declares: nothing unchecked, nothing declared that does not exist."""
    routes = set(all_route_names())
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    api_routes = {r for r in routes if r.startswith("api:") and r not in API_NON_OPERATIONS and r in RULES}
    declared = {_api_operation(r): r for r in api_routes}
    missing = [f"route {r}" for r in sorted(routes) if rule_for(r) is None]
    missing += [f"API operation {m} {p}" for m, p in sorted(operations - set(declared))]
    unknown = [f"{declared[op]} declares {op[0]} {op[1]}, not an API operation"
               for op in sorted(set(declared) - operations)]
    unknown += [f"rule {r} has no route" for r in sorted((set(RULES) | set(ADMIN_EXCEPTIONS)) - routes)]
    assert not missing and not unknown, "\n".join(
        ["not covered by tests/permission_rules.py:", *missing, "declared but not served:", *unknown])


def _outcome(response: Any) -> str:
    status = response.status_code
    if status in (401, 403, 404):
        return "deny"
    if status in (301, 302) and "login" in response.get("Location", ""):
        return "deny"
    if status == 405:
        return "wrong-method"
    if status >= 500:
        return "error"
    return "allow"


@pytest.mark.parametrize("route", all_route_names())
def test_route_matrix(route, world):
    rule = rule_for(route)
    assert rule is not None
    mismatches = []
    for role in ROLE_NAMES:
        client = world.client_for(role)
        response = rule.request(client, route, world)
        expected = "allow" if role in rule.allowed else "deny"
        actual = _outcome(response)
        if actual != expected:
            mismatches.append(f"{role}: expected {expected}, got {response.status_code} {response.get('Location', '')}")
    assert not mismatches, f"{route} ({rule.method}):\n" + "\n".join(mismatches)
