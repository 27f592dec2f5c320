"""The registry of record kinds researchers enter: fields, rules and warnings of each.

The rules themselves live in :mod:`tracker.services.rules.kinds`.
"""

from __future__ import annotations

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
from tracker.services.entry.save import Kind
from tracker.services.rules.kinds import (
    AGREEMENT_FIELDS,
    COMMITMENT_FIELDS,
    MILESTONE_FIELDS,
    PARTY_FIELDS,
    PROCESS_FIELDS,
    RELEASE_PARSERS,
    SOURCE_FIELDS,
    STATUS_CHANGE_FIELDS,
    VIOLENCE_PARSERS,
    check_agreement,
    check_commitment,
    check_milestone,
    check_party,
    check_process,
    check_release,
    check_source,
    check_status_change,
    check_violence,
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
            PROCESS_FIELDS,
            check_process,
            sources=False,
            plural="peace processes",
        ),
        Kind(
            "party",
            "party",
            Party,
            {"process_id": reference(PeaceProcess), **PARTY_FIELDS},
            check_party,
            sources=False,
            plural="parties",
        ),
        Kind(
            "agreement",
            "agreement",
            Agreement,
            {"process_id": reference(PeaceProcess), **AGREEMENT_FIELDS},
            check_agreement,
            relations={"signatories": parties_by_id},
        ),
        Kind(
            "commitment",
            "commitment",
            Commitment,
            {
                "agreement_id": reference(Agreement),
                "obligated_party_id": reference(Party, required=False),
                "beneficiary_party_id": reference(Party, required=False),
                **COMMITMENT_FIELDS,
            },
            check_commitment,
            sources=False,
        ),
        Kind(
            "status",
            "status change",
            CommitmentStatusChange,
            {"commitment_id": reference(Commitment), **STATUS_CHANGE_FIELDS},
            check_status_change,
        ),
        Kind(
            "milestone",
            "milestone",
            Milestone,
            {"process_id": reference(PeaceProcess), **MILESTONE_FIELDS},
            check_milestone,
        ),
        Kind(
            "source",
            "source",
            Source,
            SOURCE_FIELDS,
            check_source,
            sources=False,
        ),
    )
}
