"""The OpenAPI 3.1 document of /api/v1: what exists, exactly."""

from __future__ import annotations

from typing import Any

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}
        },
    }


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
            }
        },
    },
    "ProcessSummary": {
        "type": "object",
        "required": ["slug", "name", "region", "description"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "region": {"type": "string"},
            "description": {"type": "string"},
            "url": {"type": "string"},
        },
    },
    "ProcessList": {
        "type": "object",
        "required": ["processes"],
        "properties": {
            "processes": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessSummary"}}
        },
    },
    "Progress": {
        "type": "object",
        "required": ["achieved", "percent", "as_of"],
        "properties": {
            "achieved": {"type": "integer", "minimum": 0},
            "percent": {
                "type": ["number", "null"],
                "description": "achieved / target x 100, unrounded",
            },
            "as_of": NULLABLE_DATE,
        },
    },
    "Commitment": {
        "type": "object",
        "required": [
            "id",
            "kind",
            "description",
            "obligated_party",
            "beneficiary_party",
            "target",
            "unit",
            "deadline",
            "status",
            "progress",
        ],
        "properties": {
            "id": {"type": "integer"},
            "key": {"type": "string"},
            "kind": {"enum": ["prisoner_release", "violence_reduction", "other"]},
            "description": {"type": "string"},
            "obligated_party": {"type": ["string", "null"]},
            "beneficiary_party": {"type": ["string", "null"]},
            "target": {"type": ["integer", "null"]},
            "target_is_maximum": {"type": "boolean"},
            "unit": {"type": "string"},
            "deadline": NULLABLE_DATE,
            "period_start": NULLABLE_DATE,
            "period_end": NULLABLE_DATE,
            "baseline_start": NULLABLE_DATE,
            "baseline_end": NULLABLE_DATE,
            "status": {
                "type": "integer",
                "minimum": 0,
                "maximum": 3,
                "description": "Peace Accords Matrix: 0 not initiated, 1 minimal, "
                "2 intermediate, 3 full",
            },
            "progress": {
                "oneOf": [{"$ref": "#/components/schemas/Progress"}, {"type": "null"}],
                "description": "null for terms without a countable target",
            },
        },
    },
    "Agreement": {
        "type": "object",
        "required": ["key", "title", "signed_on", "signatories", "commitments"],
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "signed_on": NULLABLE_DATE,
            "signatories": {"type": "array", "items": {"type": "string"}},
            "summary": {"type": "string"},
            "implementation_score": {"type": ["number", "null"]},
            "sources": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"url": {"type": "string"}, "publisher": {"type": "string"}},
                },
            },
            "commitments": {"type": "array", "items": {"$ref": "#/components/schemas/Commitment"}},
        },
    },
    "ProcessDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/ProcessSummary"},
            {
                "type": "object",
                "required": ["parties", "agreements", "milestones"],
                "properties": {
                    "parties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "short_name": {"type": "string"},
                                "kind": {"type": "string"},
                            },
                        },
                    },
                    "agreements": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Agreement"},
                    },
                    "milestones": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "date": DATE,
                                "end_date": NULLABLE_DATE,
                                "title": {"type": "string"},
                                "notes": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    },
    "CommitmentProgress": {
        "type": "object",
        "required": [
            "commitment_id",
            "target",
            "unit",
            "deadline",
            "achieved",
            "percent",
            "as_of",
            "projected_completion",
            "series",
        ],
        "properties": {
            "commitment_id": {"type": "integer"},
            "target": {"type": ["integer", "null"]},
            "unit": {"type": "string"},
            "deadline": NULLABLE_DATE,
            "achieved": {"type": "integer"},
            "percent": {"type": ["number", "null"]},
            "as_of": NULLABLE_DATE,
            "projected_completion": {
                **NULLABLE_DATE,
                "description": "At the pace of the 30 days before as_of; null when reached "
                "or when that pace is zero",
            },
            "completed_on": {**NULLABLE_DATE, "description": "First date the target was reached"},
            "series": {
                "type": "array",
                "description": "One point per date that has a release record, in date order",
                "items": {
                    "type": "object",
                    "required": ["date", "cumulative"],
                    "properties": {"date": DATE, "cumulative": {"type": "integer"}},
                },
            },
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    not_found = _error_response("No published record with that identifier")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Peace Process Tracker API",
            "version": "1",
            "description": "Read-only access to published records: processes, agreements, "
            "commitments and progress. Dates are ISO 8601.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/processes": {
                "get": {
                    "operationId": "listProcesses",
                    "summary": "Every published peace process",
                    "responses": {"200": _json("ProcessList", "The processes")},
                }
            },
            "/processes/{slug}": {
                "get": {
                    "operationId": "getProcess",
                    "summary": "A process with its agreements, commitments and progress",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json("ProcessDetail", "The process"),
                        "404": not_found,
                    },
                }
            },
            "/commitments/{commitment_id}/progress": {
                "get": {
                    "operationId": "getCommitmentProgress",
                    "summary": "Progress of a countable commitment, with its cumulative series",
                    "parameters": [
                        {
                            "name": "commitment_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json("CommitmentProgress", "The progress"),
                        "404": not_found,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenAPI",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
