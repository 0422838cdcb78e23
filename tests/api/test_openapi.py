"""The OpenAPI document: structurally valid 3.1, describing every /api route the app really serves (the list
is read from the app's routing table, so a new undocumented route fails here), and describing the responses
the API really gives (keys, types, enums, formats)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from emicronora.api import openapi
from emicronora.app import create_app
from emicronora.settings import Settings

Document = dict[str, Any]
CONVERTOR = re.compile(r"\{(\w+):\w+\}")
# A request that earns each documented error status on a documented path.
FAILING: dict[str, Callable[[str], str]] = {
    "400": lambda path: path + "?kind=keynote",
    "404": lambda path: path.format(session_id=999999, speaker_id=999999),
}


@pytest.fixture
def document(settings: Settings) -> Document:
    return openapi.document(settings)


def served_operations(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(OpenAPI path template, lower-case method) for every HTTP route, mounts followed."""
    for route in routes:
        if isinstance(route, Mount):
            yield from served_operations(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                # Starlette answers HEAD for every GET on its own; OpenAPI does not list it.
                if method != "HEAD":
                    yield CONVERTOR.sub(r"{\1}", prefix + route.path), method.lower()


def resolve(document: Document, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def deref(document: Document, node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = resolve(document, node["$ref"])
    return node


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}:
                yield path, method, operation


def test_openapi_document_declares_version_info_and_server(document: Document) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "e-Micronora programme API"
    assert document["info"]["version"] == "1.0.0"
    assert document["info"]["license"] == {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]
    assert set(document["components"]["schemas"]) >= {"Day", "Theme", "Session", "Speaker", "Error"}


def test_openapi_documents_every_api_route_the_app_serves(settings: Settings, document: Document) -> None:
    served = {(path, method) for path, method in served_operations(create_app(settings).routes)}
    served_api = {(path, method) for path, method in served if path.startswith("/api/")}
    documented = {(path, method) for path, method, _operation in operations(document)}
    assert ("/api/sessions/{session_id}", "get") in served_api
    assert served_api - documented == set(), "served under /api but missing from the OpenAPI document"
    assert documented - served_api == set(), "documented but not served"


def test_openapi_every_get_answers_200_with_a_schema_ref_that_resolves(document: Document) -> None:
    for path, method, operation in operations(document):
        assert method == "get", f"{method} {path}: the API is read-only"
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(schema) == {"$ref"}, path
        assert schema["$ref"].startswith("#/components/schemas/"), path
        assert isinstance(resolve(document, schema["$ref"]), dict)


def test_openapi_every_ref_resolves(document: Document) -> None:
    refs = set(refs_in(document))
    assert "#/components/schemas/Error" in refs
    for ref in refs:
        resolve(document, ref)


def test_openapi_operations_are_unique_and_declare_their_path_parameters(document: Document) -> None:
    operation_ids = [operation["operationId"] for _path, _method, operation in operations(document)]
    assert len(operation_ids) == len(set(operation_ids))
    for path, _method, operation in operations(document):
        parameters = [deref(document, parameter) for parameter in operation.get("parameters", [])]
        in_path = {p["name"] for p in parameters if p["in"] == "path"}
        assert in_path == set(re.findall(r"\{(\w+)\}", path)), path
        assert all(p["required"] is True for p in parameters if p["in"] == "path"), path
        if in_path:
            assert "404" in operation["responses"], path


def test_openapi_query_parameters_of_sessions_match_the_filters(document: Document) -> None:
    parameters = [deref(document, p) for p in document["paths"]["/api/sessions"]["get"]["parameters"]]
    assert [(p["name"], p["in"], p["schema"]["maxLength"]) for p in parameters] == [
        ("day", "query", 100),
        ("theme", "query", 100),
        ("kind", "query", 100),
        ("status", "query", 100),
    ]
    by_name = {p["name"]: p["schema"] for p in parameters}
    assert by_name["kind"]["enum"] == ["webinar", "pitch"]
    assert by_name["status"]["enum"] == ["upcoming", "live", "ended", "cancelled"]
    assert deref(document, document["paths"]["/api/sessions"]["get"]["responses"]["400"])["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }


def check(document: Document, value: Any, schema: dict[str, Any], where: str) -> None:
    """Just the JSON Schema this document uses; objects carry exactly their documented properties unless
    they declare additionalProperties."""
    schema = deref(document, schema)
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(value, dict), where
        if "properties" in schema and schema.get("additionalProperties") is not True:
            assert set(value) == set(schema["properties"]), f"{where}: keys differ from the schema"
        assert set(schema.get("required", [])) <= set(value), where
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(document, value[key], sub, f"{where}.{key}")
    elif kind == "array":
        assert isinstance(value, list), where
        for index, item in enumerate(value):
            check(document, item, schema["items"], f"{where}[{index}]")
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), where
        assert value >= schema.get("minimum", value), where
    elif kind == "string":
        assert isinstance(value, str), where
        if "enum" in schema:
            assert value in schema["enum"], where
        if schema.get("format") == "date":
            assert date.fromisoformat(value).isoformat() == value, where
        if schema.get("format") == "date-time":
            assert datetime.fromisoformat(value).utcoffset() is not None, where
        if schema.get("format") == "uri":
            assert value.startswith(("http://", "https://")), where
    else:
        raise AssertionError(f"{where}: type {kind!r} not checked here")


async def test_openapi_schemas_describe_the_real_responses(
    client: httpx.AsyncClient, make_programme: Callable[..., Any], document: Document
) -> None:
    programme = await make_programme()
    ids = {"session_id": programme["welding"].id, "speaker_id": programme["speaker"].id}
    for path, _method, operation in operations(document):
        url = path.format(**ids)
        response = await client.get(url)
        assert response.status_code == 200, url
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        check(document, response.json(), schema, schema["$ref"].rsplit("/", 1)[1])
        for code, declared in operation["responses"].items():
            if code == "200":
                continue
            failing = await client.get(FAILING[code](path))
            assert failing.status_code == int(code), path
            error_schema = deref(document, declared)["content"]["application/json"]["schema"]
            check(document, failing.json(), error_schema, "Error")


async def test_openapi_document_is_served_as_built(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == openapi.document(settings)
