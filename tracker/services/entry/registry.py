"""The registry of record kinds researchers enter: fields, rules and warnings of each.

The rules themselves live in :mod:`tracker.services.rules.kinds`.
"""

from __future__ import annotations

from typing import Any

from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
    ReleaseRecord,
    Source,
    ViolenceReport,
)
from tracker.models.base import COMMITMENT_KINDS, PARTY_KINDS
from tracker.services.entry.save import Kind
from tracker.services.rules import fields
from tracker.services.rules.kinds import (
    RELEASE_PARSERS,
    VIOLENCE_PARSERS,
    boolean,
    check_agreement,
    check_commitment,
    check_milestone,
    check_party,
    check_process,
    check_release,
    check_source,
    check_status_change,
    check_violence,
    future_date,
    key,
    parties_by_id,
    reference,
    warn_release,
    warn_violence,
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "release",
            "release record",
            ReleaseRecord,
            RELEASE_PARSERS,
            check_release,
            warn_release,
        ),
        Kind(
            "violence",
            "violence report",
            ViolenceReport,
            VIOLENCE_PARSERS,
            check_violence,
            warn_violence,
            claims=True,
        ),
        Kind(
            "process",
            "peace process",
            PeaceProcess,
            {
                "slug": key,
                "name": fields.required_text(200),
                "region": fields.text(200),
                "countries": fields.text(500),
                "description": fields.text(fields.MAX_NOTES),
            },
            check_process,
            sources=False,
            plural="peace processes",
        ),
        Kind(
            "party",
            "party",
            Party,
            {
                "process_id": reference(PeaceProcess),
                "name": fields.required_text(200),
                "short_name": fields.text(80),
                "kind": fields.choice(PARTY_KINDS, "other"),
            },
            check_party,
            sources=False,
            plural="parties",
        ),
        Kind(
            "agreement",
            "agreement",
            Agreement,
            {
                "process_id": reference(PeaceProcess),
                "key": key,
                "title": fields.required_text(300),
                "signed_on": fields.optional_date,
                "summary": fields.text(fields.MAX_NOTES),
            },
            check_agreement,
            relations={"signatories": parties_by_id},
        ),
        Kind(
            "commitment",
            "commitment",
            Commitment,
            {
                "agreement_id": reference(Agreement),
                "key": key,
                "kind": fields.choice(COMMITMENT_KINDS),
                "description": fields.required_text(fields.MAX_NOTES),
                "obligated_party_id": reference(Party, required=False),
                "beneficiary_party_id": reference(Party, required=False),
                "target": fields.optional(fields.integer(1)),
                "target_is_maximum": boolean,
                "unit": fields.text(80),
                "deadline": future_date,
                "period_start": future_date,
                "period_end": future_date,
                "baseline_start": fields.optional_date,
                "baseline_end": fields.optional_date,
            },
            check_commitment,
            sources=False,
        ),
        Kind(
            "status",
            "status change",
            CommitmentStatusChange,
            {
                "commitment_id": reference(Commitment),
                "changed_on": fields.parse_date,
                "status": fields.scale(0, 3, None),
                "notes": fields.text(fields.MAX_NOTES),
            },
            check_status_change,
            editable=False,
        ),
        Kind(
            "milestone",
            "milestone",
            Milestone,
            {
                "process_id": reference(PeaceProcess),
                "date": fields.parse_date,
                "end_date": future_date,
                "title": fields.required_text(300),
                "notes": fields.text(fields.MAX_NOTES),
            },
            check_milestone,
        ),
        Kind(
            "source",
            "source",
            Source,
            {
                "url": fields.url,
                "publisher": fields.text(200),
                "title": fields.text(1000),
                "published_on": fields.optional_date,
                "accessed_on": fields.optional_date,
            },
            check_source,
            sources=False,
        ),
    )
}


def kind_of(record: Any) -> Kind:
    """The kind a record belongs to."""
    return next(kind for kind in KINDS.values() if isinstance(record, kind.model))
