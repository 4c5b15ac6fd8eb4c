"""GET /api/v1/openapi.json: an OpenAPI 3.1 description of /api/v1, built from the routes and their models."""

from __future__ import annotations

import re

from flask import current_app, jsonify
from pydantic.json_schema import models_json_schema

import gisapp

from . import bp
from .doc import TAKES, Takes, takes

ERRORS = {"type": "object", "required": ["errors"], "properties": {"errors": {
    "type": "array", "minItems": 1, "items": {"type": "object", "required": ["field", "message"], "properties": {
        "field": {"type": "string", "description": "the field at fault, e.g. lat or attachments[0]"},
        "message": {"type": "string", "description": "for people, in the language of Accept-Language"},
        "code": {"type": "string", "description": "the reason of a refusal the workflow made, stable"}}}}}}
STATUS_TEXT = {400: "A bad query or malformed JSON", 401: "Not signed in, and no valid bearer token",
               403: "The role may not do this, or a browser request without its CSRF token",
               404: "No such thing (or not in your scope)", 405: "Not a method of this route",
               413: "The body is over GISAPP_MAX_BODY_BYTES", 415: "Not JSON",
               422: "Invalid fields, every one named", 409: "The case's state refuses it",
               429: "Too many requests", 503: "The database is unavailable, or no live stream is free"}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
_PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _models() -> tuple[dict, dict]:
    used = {m for t in TAKES.values() for m in (t.body, t.query) if m is not None}
    keys, defs = models_json_schema([(m, "validation") for m in sorted(used, key=lambda m: m.__name__)],
                                    by_alias=True, ref_template="#/components/schemas/{model}")
    return {model: ref for (model, _mode), ref in keys.items()}, defs.get("$defs", {})


def _optional(prop: dict) -> dict:
    """A query argument that may be left out is simply not sent: drop pydantic's `null` alternative."""
    options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
    if len(options) == 1:
        prop = {**{k: v for k, v in prop.items() if k not in ("anyOf", "default")}, **options[0]}
    return prop


def _query_parameters(model, schemas: dict) -> list[dict]:
    schema = schemas[model.__name__]
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = _optional(prop)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array":   # ?status=assigned,accepted
            parameter.update(style="form", explode=False)
        out.append(parameter)
    return out


def _operation(endpoint: str, view, takes_: Takes, refs: dict, schemas: dict, path_args: list) -> dict:
    doc = (view.__doc__ or "").strip().splitlines()
    op: dict = {"operationId": endpoint.split(".", 1)[1], "summary": doc[0] if doc else endpoint,
                "parameters": [{"name": name, "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1} if kind == "int" else {"type": "string"}}
                               for kind, name in path_args]}
    errors = {404, 405}
    if takes_.permission != "public":
        errors |= {401, 403}
        op["security"] = [{"bearer": []}, {"session": []}]
        op["x-permission"] = takes_.permission
    else:
        op["security"] = []
    if takes_.limited:
        errors.add(429)
    if takes_.query is not None:
        op["parameters"] += _query_parameters(takes_.query, schemas)
        errors.add(400)
    if takes_.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": refs[takes_.body]}}}
        errors |= {400, 409, 413, 415, 422}
    errors.add(503)
    shape = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    op["responses"] = {str(takes_.ok): {"description": "OK", "content": {takes_.media: {"schema": {}}}},
                       **{str(code): {"description": STATUS_TEXT[code], "content": shape,
                                      **({"headers": RETRY_AFTER} if code in (429, 503) else {})}
                          for code in sorted(errors)}}
    return op


def document(app) -> dict:
    """The description of every /api/v1 route of `app`."""
    refs, schemas = _models()
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(bp.name + "."):
            continue
        view = app.view_functions[rule.endpoint]
        path = _PATH_ARG.sub(r"{\2}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, view, TAKES.get(view.__name__, Takes()), refs, schemas, _PATH_ARG.findall(rule.rule))
    return {"openapi": "3.1.0",
            "info": {"title": "gisapp API", "version": gisapp.__version__,
                     "description": "Grid-based urban governance: reports, cases, areas, KPIs, map layers. "
                                    "Errors are {\"errors\": [{\"field\", \"message\", \"code\"?}]}; "
                                    "messages follow Accept-Language (English by default)."},
            "paths": paths,
            "components": {"schemas": {**schemas, "Errors": ERRORS}, "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "gisapp tokens create USER"},
                "session": {"type": "apiKey", "in": "cookie", "name": "gisapp_session",
                            "description": "a signed-in browser; state-changing requests add X-CSRFToken"}}}}


@bp.get("/openapi.json")
@takes("signed_in")
def openapi():
    """This description of the API (OpenAPI 3.1)."""
    return jsonify(document(current_app))
