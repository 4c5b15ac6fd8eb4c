"""Security review, part 4: schemathesis against the API's own OpenAPI description, as each role.

Valid and invalid requests for every operation, 1,700 per role (over 10,000 in all): never a 5xx,
every status one the description documents for that operation, and every 4xx in the documented
error shape. The live stream is left out (it stays open by design; tests/security/test_streams.py).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from fixtures.people import bearer
from gisapp.core.vocabulary import ROLE_CODES
from gisapp.web.api.openapi import document

PER_ROLE = 1700


@pytest.fixture
def api_schema(web):
    raw = document(web)
    raw["paths"].pop("/api/v1/events/stream")
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = web
    return schema


def _documented(case, status: int) -> bool:
    responses = case.operation.definition.raw["responses"]
    return str(status) in responses


@pytest.mark.parametrize("role", ROLE_CODES)
def test_generated_requests_never_answer_5xx_and_every_4xx_is_documented(api_schema, conn, role, realdata_figures):
    headers = bearer(conn, role)
    strategy = st.one_of(api_schema.as_strategy(GenerationMode.POSITIVE),
                         api_schema.as_strategy(GenerationMode.NEGATIVE))
    seen = {"requests": 0, "statuses": set()}

    @settings(max_examples=PER_ROLE, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        seen["requests"] += 1
        seen["statuses"].add(response.status_code)
        where = f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:300]}"
        assert response.status_code < 500, where
        assert _documented(case, response.status_code), where
        if 400 <= response.status_code < 500:
            errors = response.json()["errors"]
            assert errors and all(isinstance(e["field"], str) and e["message"] for e in errors), where

    run()
    realdata_figures.append(f"schemathesis as {role}: {seen['requests']:,} requests, statuses "
                            f"{sorted(seen['statuses'])}")
    assert seen["requests"] >= PER_ROLE * 0.95, seen
    assert {s for s in seen["statuses"] if s < 300} and {s for s in seen["statuses"] if 400 <= s < 500}, seen
