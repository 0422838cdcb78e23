"""The OpenAPI 3.1 document of the programme API, built in code next to the routes it describes.

Enumerations (kinds, statuses) and limits come from the same constants the handlers use, so the document
cannot promise values the API refuses. tests/api/test_openapi.py checks that every served /api route is
described here and that the schemas match real responses.
"""

from __future__ import annotations

from emicronora.models import SESSION_KINDS
from emicronora.programme.domain import STATUS_LABELS
from emicronora.settings import Settings

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
MAX_PARAMETER_LENGTH = 100
JSONObject = dict[str, object]


def _ref(section: str, name: str) -> JSONObject:
    return {"$ref": f"#/components/{section}/{name}"}


def _object(description: str, properties: dict[str, JSONObject]) -> JSONObject:
    # Every property is always present (never omitted, never null), so every property is required.
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "properties": properties,
    }


def _list_of(key: str, item: str, description: str) -> JSONObject:
    return _object(description, {key: {"type": "array", "items": _ref("schemas", item)}})


INTEGER_ID: JSONObject = {"type": "integer", "minimum": 1}
TEXT: JSONObject = {"type": "string"}


def _schemas() -> dict[str, JSONObject]:
    date_string: JSONObject = {"type": "string", "format": "date", "examples": ["2020-09-22"]}
    return {
        "Theme": _object(
            "A theme of the fair; each day of webinars is devoted to one.",
            {
                "id": INTEGER_ID,
                "slug": {"type": "string", "description": "Stable name used by the `theme` filter."},
                "name_fr": TEXT,
                "name_en": TEXT,
            },
        ),
        "Day": _object(
            "A day of the programme.",
            {
                "id": INTEGER_ID,
                "date": date_string,
                "theme": _ref("schemas", "Theme"),
                "session_count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Sessions on that day, cancelled ones included.",
                },
            },
        ),
        "SessionSpeaker": _object(
            "A speaker as listed on a session; the full record is at /api/speakers/{speaker_id}.",
            {"id": INTEGER_ID, "name": TEXT, "affiliation": TEXT},
        ),
        "Session": _object(
            "A webinar or a pitch session. Times are given in UTC and in the event zone, both ISO 8601 "
            "with their offset.",
            {
                "id": INTEGER_ID,
                "uid": {
                    "type": "string",
                    "description": "Stable identity shared with the calendar feeds; it never changes.",
                    "examples": ["session-12@e-micronora.example"],
                },
                "kind": {"type": "string", "enum": list(SESSION_KINDS)},
                "title": TEXT,
                "abstract": TEXT,
                "day": date_string,
                "theme": {"type": "string", "description": "Slug of the session's theme."},
                "starts_at": {
                    "type": "string",
                    "format": "date-time",
                    "examples": ["2020-09-22T08:00:00+00:00"],
                },
                "ends_at": {"type": "string", "format": "date-time"},
                "starts_at_local": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Start in the event zone (see `timezone`).",
                    "examples": ["2020-09-22T10:00:00+02:00"],
                },
                "ends_at_local": {"type": "string", "format": "date-time"},
                "timezone": {
                    "type": "string",
                    "description": "IANA name of the event zone.",
                    "examples": ["Europe/Paris"],
                },
                "status": {
                    "type": "string",
                    "enum": list(STATUS_LABELS),
                    "description": "Computed at the time of the request.",
                },
                "sequence": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Bumped whenever the session's time, place or status changes.",
                },
                "speakers": {"type": "array", "items": _ref("schemas", "SessionSpeaker")},
                "url": {"type": "string", "format": "uri", "description": "The session's public page."},
            },
        ),
        "Speaker": _object(
            "A speaker of one or more sessions.",
            {
                "id": INTEGER_ID,
                "name": TEXT,
                "affiliation": TEXT,
                "bio": TEXT,
                "session_ids": {
                    "type": "array",
                    "items": INTEGER_ID,
                    "description": "Ids of the speaker's sessions, in start order.",
                },
            },
        ),
        "DayList": _list_of("days", "Day", "Every day, in programme order."),
        "ThemeList": _list_of("themes", "Theme", "Every theme, in programme order."),
        "SessionList": _list_of("sessions", "Session", "Sessions matching the filters, in start order."),
        "SpeakerList": _list_of("speakers", "Speaker", "Every speaker, in programme order."),
        "Error": _object(
            "Why the request was refused, in the visitor's language.",
            {"error": {"type": "string", "examples": ["kind must be one of: webinar, pitch."]}},
        ),
        "OpenAPIDocument": {
            "type": "object",
            "description": "This document.",
            "required": ["openapi", "info", "paths"],
            "properties": {"openapi": TEXT, "info": {"type": "object"}, "paths": {"type": "object"}},
            "additionalProperties": True,
        },
    }


def _query_parameter(name: str, description: str, schema: JSONObject) -> JSONObject:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {**schema, "maxLength": MAX_PARAMETER_LENGTH},
    }


def _path_id(name: str, what: str) -> JSONObject:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"Id of the {what}.",
        "schema": INTEGER_ID,
    }


def _parameters() -> dict[str, JSONObject]:
    return {
        "day": _query_parameter(
            "day",
            "Only sessions on this date of the programme. A date that is not a programme day is a 400.",
            {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        ),
        "theme": _query_parameter(
            "theme",
            "Only sessions of the theme with this slug; an unknown slug is a 400.",
            {"type": "string"},
        ),
        "kind": _query_parameter(
            "kind", "Only sessions of this kind.", {"type": "string", "enum": list(SESSION_KINDS)}
        ),
        "status": _query_parameter(
            "status", "Only sessions in this status now.", {"type": "string", "enum": list(STATUS_LABELS)}
        ),
        "session_id": _path_id("session_id", "session"),
        "speaker_id": _path_id("speaker_id", "speaker"),
    }


def _error_response(description: str) -> JSONObject:
    return {"description": description, "content": {"application/json": {"schema": _ref("schemas", "Error")}}}


def _responses() -> dict[str, JSONObject]:
    return {
        "BadRequest": _error_response(
            "A parameter is malformed, unknown to the programme, longer than 100 characters or given twice; "
            "the reason names it."
        ),
        "NotFound": _error_response("Nothing has this id."),
    }


def _get(
    operation_id: str,
    summary: str,
    schema: str,
    *,
    parameters: tuple[str, ...] = (),
    errors: dict[str, str] | None = None,
    description: str = "",
) -> JSONObject:
    ok: JSONObject = {
        "description": "OK",
        "headers": {"Cache-Control": _ref("headers", "CacheControl")},
        "content": {"application/json": {"schema": _ref("schemas", schema)}},
    }
    operation: JSONObject = {
        "operationId": operation_id,
        "summary": summary,
        "tags": ["programme" if schema != "OpenAPIDocument" else "meta"],
        "parameters": [_ref("parameters", name) for name in parameters],
        "responses": {"200": ok, **{code: _ref("responses", name) for code, name in (errors or {}).items()}},
    }
    if description:
        operation["description"] = description
    return {"get": operation}


def _paths() -> dict[str, JSONObject]:
    return {
        "/api/days": _get("listDays", "Days of the programme with their theme", "DayList"),
        "/api/themes": _get("listThemes", "Themes of the programme", "ThemeList"),
        "/api/sessions": _get(
            "listSessions",
            "Sessions, optionally filtered",
            "SessionList",
            parameters=("day", "theme", "kind", "status"),
            errors={"400": "BadRequest"},
            description="Filters combine (all must hold). An empty value means no filter; "
            "unknown parameters are ignored; a parameter given twice is a 400.",
        ),
        "/api/sessions/{session_id}": _get(
            "getSession", "One session", "Session", parameters=("session_id",), errors={"404": "NotFound"}
        ),
        "/api/speakers": _get("listSpeakers", "Speakers with the ids of their sessions", "SpeakerList"),
        "/api/speakers/{speaker_id}": _get(
            "getSpeaker", "One speaker", "Speaker", parameters=("speaker_id",), errors={"404": "NotFound"}
        ),
        "/api/openapi.json": _get("getOpenAPIDocument", "This OpenAPI document", "OpenAPIDocument"),
    }


def document(settings: Settings) -> JSONObject:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "e-Micronora programme API",
            "version": API_VERSION,
            "summary": "Read-only programme of the fair: days, themes, sessions and speakers.",
            "description": (
                "Public and read-only; no authentication. Responses may be cached for 60 seconds. "
                'Every error is JSON: `{"error": reason}`, in the visitor\'s language '
                "(the `em_lang` cookie, fr or en). Unknown paths under /api answer 404 the same way."
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": settings.site_origin}],
        "tags": [
            {"name": "programme", "description": "Days, themes, sessions and speakers."},
            {"name": "meta", "description": "About the API itself."},
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
            "headers": {
                "CacheControl": {
                    "description": "Responses are public and may be reused for 60 seconds.",
                    "schema": {"type": "string", "examples": ["public, max-age=60"]},
                }
            },
        },
    }
