"""GET /api/v1/openapi.json: every route described, from the same models the handlers parse."""

from __future__ import annotations

import json

from openapi_spec_validator import validate


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_description_is_valid_openapi_3_1(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    validate(json.loads(json.dumps(doc)))
    defined = {f"#/components/schemas/{name}" for name in doc["components"]["schemas"]}
    assert set(_refs(doc)) - defined == set()


def test_every_api_route_and_method_is_described_with_a_summary(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    app = client.application
    routes = {(r.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"), m.lower())
              for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routes == described
    vague = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()
             if op["summary"] == op["operationId"] or not op["summary"].endswith(".")]
    assert vague == [], "give each route a docstring: its first line is the summary"


def test_bodies_and_queries_name_their_models(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/reports"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportIn")
    report = doc["components"]["schemas"]["ReportIn"]
    assert report["additionalProperties"] is False and "category" in report["required"]
    listing = {p["name"]: p for p in doc["paths"]["/api/v1/reports"]["get"]["parameters"]}
    assert {"status", "area", "from", "to", "page", "per_page"} <= set(listing)
    assert "closed" in listing["status"]["schema"]["items"]["enum"] and listing["status"]["explode"] is False
    action = doc["components"]["schemas"]["ActionIn"]["properties"]["action"]
    assert "accept" in action["enum"] and "report" not in action["enum"]
