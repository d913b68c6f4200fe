"""Property-based tests of the REST API against its own OpenAPI schema (schemathesis).

schemathesis loads ``/api/v1/openapi.json`` from the Django WSGI application and, for each
operation, generates requests from the schema (hypothesis, bounded examples) and checks the
responses: never a 5xx, the status code is one the schema documents, and the body matches the
documented schema, for valid and for invalid requests. Reads run anonymously; the observatory's writes run with a token of an editor.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from asis.accounts.services import api_token_create
from asis.observatory.models import Challenge
from tests.observatory.test_api import make_initiative, term

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
WRITES = {("POST", "/api/v1/initiatives"), ("PATCH", "/api/v1/initiatives/{initiative_id}")}


@pytest.fixture
def api_schema(world: Any) -> Any:
    # The WSGI handler closes the database connection after each request, which would end the
    # test's transaction; Django's test client disconnects the same signal for the same reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        from asis.wsgi import application

        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


OURS = ("/api/v1/",)  # every operation of the API


def _operations(schema: Any, *, writes: bool) -> list[Any]:
    operations = [result.ok() for result in schema.get_all_operations()]
    return [op for op in operations if op.path.startswith(OURS)
            and ((op.method.upper(), op.path) in WRITES) == writes]


def _known_codes(case: Any) -> None:
    """Random codes rarely name a region or a taxonomy term: point valid bodies at existing ones,
    so that successful writes (and their responses) are exercised too."""
    if isinstance(case.body, dict):
        case.body.update(regions=["AT33", "SI04"], challenges=["test-health"], axes=[], organisations=[])
        if case.body.get("status") == "rejected":
            case.body["moderation_reason"] = "Checked by schemathesis."


def _exercise(operation: Any, headers: dict[str, str] | None = None, *, fix: Any = None) -> set[int]:
    """Valid requests (the schema's data) and invalid ones (negated schemas) alike."""
    outcomes: set[int] = set()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            if fix and mode == GenerationMode.POSITIVE:
                fix(case)
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            outcomes.add(response.status_code)

        try:
            run()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation without parameters has no invalid request
    return outcomes


def test_read_operations_conform_to_the_schema(api_schema, world):
    health = term(Challenge, "test-health")
    for n in range(3):
        make_initiative(title=f"Schema initiative {n}", challenges=[health], organisations=[(world.org, "lead")],
                        latitude=47.0 + n, longitude=11.0)
    reads = _operations(api_schema, writes=False)
    assert len(reads) >= 6
    for operation in reads:
        _exercise(operation)


def test_write_operations_conform_to_the_schema(api_schema, world):
    admin = world.users["platform_admin"]
    headers = {"Authorization": f"Bearer {api_token_create(user=admin, name='schemathesis')[1]}"}
    term(Challenge, "test-health")
    make_initiative(title="Schema target", status="submitted")
    writes = _operations(api_schema, writes=True)
    assert len(writes) == 2
    outcomes = set()
    for operation in writes:
        outcomes |= _exercise(operation, headers, fix=_known_codes)
    assert 201 in outcomes and 422 in outcomes, outcomes
