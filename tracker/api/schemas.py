"""Schemas of the OpenAPI document: the shapes of every response body."""

from __future__ import annotations

from typing import Any

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}


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


def _text(description: str = "") -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {})}


NULLABLE_COUNT = {"type": ["integer", "null"], "minimum": 0}
EVENT_TYPES = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
]

SCHEMAS["ViolenceReport"] = {
    "type": "object",
    "description": "One incident, by ACLED's CSV column names (and ours).",
    "required": [
        "id",
        "event_id_cnty",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "actor2",
        "assoc_actor_2",
        "country",
        "admin1",
        "admin2",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "fatalities_low",
        "fatalities_high",
        "injuries",
        "claimed_by",
        "denied_by",
        "verification",
        "source_url",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "event_id_cnty": _text("ACLED's event id; empty when the report has none"),
        "event_date": DATE,
        "time_precision": {
            "type": "integer",
            "minimum": 1,
            "maximum": 3,
            "description": "1 exact day, 2 week, 3 month",
        },
        "event_type": {"enum": EVENT_TYPES},
        "sub_event_type": _text("One of the event type's ACLED sub-event types, or empty"),
        "actor1": _text("Perpetrator as reported"),
        "assoc_actor_1": _text(),
        "actor2": _text("Target"),
        "assoc_actor_2": _text(),
        "country": _text(),
        "admin1": _text(),
        "admin2": _text(),
        "location": _text(),
        "latitude": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "longitude": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "geo_precision": {"type": ["integer", "null"], "minimum": 1, "maximum": 3},
        "source": _text("Publishers, as in ACLED"),
        "source_scale": _text(),
        "notes": _text(),
        "fatalities": {"type": "integer", "minimum": 0, "description": "Best estimate"},
        "fatalities_low": NULLABLE_COUNT,
        "fatalities_high": NULLABLE_COUNT,
        "injuries": NULLABLE_COUNT,
        "claimed_by": _text("Actors that claimed responsibility, separated by ';'"),
        "denied_by": _text("Actors that denied responsibility, separated by ';'"),
        "verification": {"enum": ["reported", "corroborated", "confirmed", "disputed"]},
        "source_url": _text("Source URLs separated by ';'"),
        # ACLED's columns kept as the export gives them, and where the report came from.
        "disorder_type": _text("ACLED: Political violence, Demonstrations, ..."),
        "civilian_targeting": _text("ACLED: 'Civilian targeting' or empty"),
        "inter1": _text("ACLED's code or label of actor1's kind"),
        "inter2": _text("ACLED's code or label of actor2's kind"),
        "interaction": _text("ACLED's code or label of the pair of actor kinds"),
        "admin3": _text(),
        "iso": _text("ACLED's numeric country code"),
        "iso3": _text("ISO 3166 alpha-3 country code"),
        "region": _text("The data set's region"),
        "tags": _text("ACLED's tags"),
        "timestamp": _text("ACLED's last-change time, Unix seconds"),
        "original_event_type": _text(
            "The event type as the source coded it when it differs (ACLED before 2019, UCDP)"
        ),
        "type_of_violence": {
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 3,
            "description": "UCDP: 1 state-based, 2 non-state, 3 one-sided violence",
        },
        "dataset": _text("ACLED, UCDP GED, ... or empty for the tracker's own records"),
        "licence": _text("The data set's licence (UCDP: CC BY 4.0, cite UCDP)"),
    },
}
SCHEMAS["ViolencePage"] = {
    "type": "object",
    "required": ["items", "page", "per_page", "total"],
    "additionalProperties": False,
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/ViolenceReport"}},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
        "total": {"type": "integer", "minimum": 0, "description": "Reports matching the filters"},
    },
}
SCHEMAS["ViolenceSummary"] = {
    "type": "object",
    "required": ["interval", "periods"],
    "additionalProperties": False,
    "properties": {
        "interval": {"enum": ["day", "week", "month"]},
        "periods": {
            "type": "array",
            "description": "Periods with at least one report, in date order",
            "items": {
                "type": "object",
                "required": ["start", "events", "fatalities"],
                "additionalProperties": False,
                "properties": {
                    "start": {
                        **DATE,
                        "description": "First day of the day, ISO week (Monday) or month",
                    },
                    "events": {"type": "integer", "minimum": 1},
                    "fatalities": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}
