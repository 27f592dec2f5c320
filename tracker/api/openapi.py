"""The OpenAPI 3.1 document of /api/v1: what exists, exactly."""

from __future__ import annotations

from typing import Any

from tracker.api.params import MAX_ID, MAX_PAGE
from tracker.api.schemas import EVENT_TYPES, SCHEMAS
from tracker.services.figures.violence import ACTOR_ROLES

ETAG_HEADER = {
    "ETag": {
        "description": "Send it back in If-None-Match to get 304 when nothing changed",
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {
        "description": "Always *: any site or notebook may read the API",
        "schema": {"const": "*"},
    },
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier response: 304 when the data has not changed",
    "schema": {"type": "string"},
}
NOT_MODIFIED = {"description": "Not modified since the response with that ETag"}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": ETAG_HEADER,
        "content": {"application/json": {"schema": schema}},
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _get(
    operation_id: str,
    summary: str,
    ok: dict[str, Any],
    parameters: list[dict[str, Any]] = (),
    errors: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A GET operation: its parameters, 200, 304 and the listed errors."""
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [*parameters, IF_NONE_MATCH],
            "responses": {"200": ok, "304": NOT_MODIFIED, **(errors or {})},
        }
    }


def _query(name: str, schema: dict[str, Any], description: str, **extra) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **extra,
    }


SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The process slug, such as afghanistan-2020",
    "schema": {"type": "string"},
}
OPTIONAL_DATE = {"anyOf": [{"type": "string", "format": "date"}, {"const": ""}]}
FILTERS = [
    _query("from", OPTIONAL_DATE, "Reports on or after this date (empty: no limit)"),
    _query("to", OPTIONAL_DATE, "Reports on or before this date (empty: no limit)"),
    _query(
        "event_type",
        {"type": "array", "items": {"enum": EVENT_TYPES}},
        "ACLED event types; repeat the parameter for several",
        style="form",
        explode=True,
    ),
    _query(
        "actor",
        {"type": "string", "maxLength": 300},
        "Part of an actor's name (any case), matched in the role actor_role names",
    ),
    _query(
        "actor_role",
        {"type": "string", "enum": list(ACTOR_ROLES)},
        "How the actor takes part: perpetrator (actor1 and its associates), target (actor2 and "
        "its associates), claimed or denied responsibility, or any. Without it: perpetrator "
        "or claimed; a denial alone never counts as involvement.",
    ),
]
PAGING = [
    _query(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        "Page number, from 1",
    ),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
        "Reports per page, at most 500",
    ),
]


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    not_found = _error("No published record with that identifier")
    bad = _error("A query parameter is wrong; the message names it")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Peace Process Tracker API",
            "version": "1",
            "description": "Read-only access to published records: processes, agreements, "
            "commitments and progress, violence reports and their summaries. Dates are "
            "ISO 8601. Every GET answers If-None-Match with 304 and allows any origin (CORS).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/processes": _get(
                "listProcesses", "Every published peace process", _ok(_ref("ProcessList"), "OK")
            ),
            "/processes/{slug}": _get(
                "getProcess",
                "A process with its agreements, commitments and progress",
                _ok(_ref("ProcessDetail"), "The process"),
                [SLUG],
                {"404": not_found},
            ),
            "/processes/{slug}/violence": _get(
                "listViolence",
                "Published violence reports of a process, in date order, a page at a time",
                _ok(_ref("ViolencePage"), "A page of reports"),
                [SLUG, *FILTERS, *PAGING],
                {"400": bad, "404": not_found},
            ),
            "/processes/{slug}/violence/summary": _get(
                "summariseViolence",
                "Events and fatalities per day, week or month",
                _ok(_ref("ViolenceSummary"), "The periods"),
                [
                    SLUG,
                    _query(
                        "interval",
                        {"enum": ["day", "week", "month"], "default": "week"},
                        "Length of a period (weeks start on Monday)",
                    ),
                    *FILTERS,
                ],
                {"400": bad, "404": not_found},
            ),
            "/commitments/{commitment_id}/progress": _get(
                "getCommitmentProgress",
                "Progress of a countable commitment, with its cumulative series",
                _ok(_ref("CommitmentProgress"), "The progress"),
                [
                    {
                        "name": "commitment_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                    }
                ],
                {"404": not_found},
            ),
            "/openapi.json": _get(
                "getOpenAPI", "This document", _ok({"type": "object"}, "OpenAPI 3.1")
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
