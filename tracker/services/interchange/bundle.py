"""The process bundle: one JSON document with everything of one process (DOMAIN.md).

``export_bundle`` writes it; ``bundle_import.import_bundle`` validates a whole document first
(every error named by its JSON path) and only then writes, in the caller's transaction,
creating or updating by the process slug and the keys. Export, import into an empty tracker,
export again: the same document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Agreement, PeaceProcess, ReleaseRecord, Source, ViolenceReport
from tracker.models.base import REVIEW_STATUS
from tracker.services.interchange.serializers import (
    agreement_to_dict,
    commitment_to_dict,
    milestone_to_dict,
    party_to_dict,
    process_to_dict,
    source_to_dict,
    violence_to_dict,
)

FORMAT = "peace-process-tracker/1"
ALL_STATUSES = REVIEW_STATUS


class BundleError(Exception):
    """A bundle that cannot be imported; ``errors`` lists ``(json_path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(f"{len(errors)} error(s) in the bundle")
        self.errors = errors


@dataclass
class ImportCounts:
    """How many records an import added, updated and left unchanged."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        """Record one outcome (``added``, ``updated`` or ``unchanged``) for a kind of record."""
        setattr(self, outcome, getattr(self, outcome) + 1)
        totals = self.by_kind.setdefault(kind, [0, 0, 0])
        totals[("added", "updated", "unchanged").index(outcome)] += 1


# ---------------------------------------------------------------- export


def export_bundle(process: PeaceProcess, statuses: Sequence[str] = ALL_STATUSES) -> dict[str, Any]:
    """Everything of one process with the given review statuses, as a bundle document."""
    used_sources: dict[str, Source] = {}

    def note_sources(sources: Sequence[Source]) -> None:
        for source in sources:
            used_sources[source.url] = source

    agreements = [
        _agreement(agreement, statuses, note_sources)
        for agreement in process.agreements
        if agreement.status in statuses
    ]
    milestones = []
    for milestone in process.milestones:
        if milestone.status in statuses:
            note_sources(milestone.sources)
            milestones.append(milestone_to_dict(milestone))
    violence = []
    reports = db.session.scalars(
        select(ViolenceReport)
        .where(ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses))
        .order_by(ViolenceReport.event_date, ViolenceReport.id)
    ).all()
    for report in reports:
        note_sources(report.sources)
        for claim in report.claims:
            note_sources(claim.sources)
        violence.append(violence_to_dict(report))
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "process": process_to_dict(process),
        "parties": [party_to_dict(party) for party in process.parties],
        "sources": [source_to_dict(s) for s in sorted(used_sources.values(), key=lambda s: s.url)],
        "agreements": agreements,
        "milestones": milestones,
        "violence": violence,
    }


def _agreement(
    agreement: Agreement, statuses: Sequence[str], note_sources: Callable[[Sequence[Source]], None]
) -> dict[str, Any]:
    """One agreement with its commitments, their release records and status changes of
    ``statuses``."""
    note_sources(agreement.sources)
    commitments = []
    for commitment in agreement.commitments:
        if commitment.status not in statuses:
            continue
        releases = db.session.scalars(
            select(ReleaseRecord)
            .where(
                ReleaseRecord.commitment_id == commitment.id,
                ReleaseRecord.status.in_(statuses),
            )
            .order_by(ReleaseRecord.date, ReleaseRecord.id)
        ).all()
        for record in releases:
            note_sources(record.sources)
        # Status changes move the public score: a viewer's bundle holds the published ones only.
        changes = [c for c in commitment.status_changes if c.status in statuses]
        for change in changes:
            note_sources(change.sources)
        commitments.append(commitment_to_dict(commitment, releases, changes))
    return agreement_to_dict(agreement, commitments)
