"""The process bundle: one JSON document with everything of one process (DOMAIN.md).

``export_bundle`` writes it; ``bundle_import.import_bundle`` validates a whole document first
(every error named by its JSON path) and only then writes, in the caller's transaction,
creating or updating by the process slug and the keys. Export, import into an empty tracker,
export again: the same document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Party, PeaceProcess, ReleaseRecord, Source, ViolenceReport
from tracker.models.base import REVIEW_STATUS
from tracker.services.interchange.kept_columns import kept_values

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


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _source_refs(sources: Sequence[Source]) -> str:
    return ";".join(source.url for source in sources)


def release_to_dict(record: ReleaseRecord) -> dict[str, Any]:
    """A release record by its CSV field names."""
    return {
        "date": record.date.isoformat(),
        "kind": record.kind,
        "count": record.count,
        "count_low": record.count_low,
        "count_high": record.count_high,
        "date_precision": record.date_precision,
        "location": record.location,
        "verification": record.verification,
        "source_url": _source_refs(record.sources),
        "source_name": ";".join(source.publisher for source in record.sources),
        "notes": record.notes,
        "status": record.status,
    }


def violence_to_dict(report: ViolenceReport) -> dict[str, Any]:
    """A violence report by its ACLED CSV field names, plus its claims in full."""
    return {
        "event_id_cnty": report.event_id_cnty or "",
        "event_date": report.event_date.isoformat(),
        "time_precision": report.time_precision,
        "event_type": report.event_type,
        "sub_event_type": report.sub_event_type or "",
        "actor1": report.actor1,
        "assoc_actor_1": report.assoc_actor_1,
        "actor2": report.actor2,
        "assoc_actor_2": report.assoc_actor_2,
        "country": report.country,
        "admin1": report.admin1,
        "admin2": report.admin2,
        "location": report.location,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "geo_precision": report.geo_precision,
        "source": report.source,
        "source_scale": report.source_scale,
        "notes": report.notes,
        "fatalities": report.fatalities,
        "fatalities_low": report.fatalities_low,
        "fatalities_high": report.fatalities_high,
        "injuries": report.injuries,
        "claimed_by": ";".join(c.actor for c in report.claims if c.stance == "claimed"),
        "denied_by": ";".join(c.actor for c in report.claims if c.stance == "denied"),
        "verification": report.verification,
        "source_url": _source_refs(report.sources),
        **kept_values(report),
        "status": report.status,
        "claims": [
            {
                "actor": claim.actor,
                "stance": claim.stance,
                "date": _iso(claim.stated_on),
                "notes": claim.notes,
                "source_url": _source_refs(claim.sources),
            }
            for claim in report.claims
        ],
    }


def export_bundle(process: PeaceProcess, statuses: Sequence[str] = ALL_STATUSES) -> dict[str, Any]:
    """Everything of one process with the given review statuses, as a bundle document."""
    used_sources: dict[str, Source] = {}

    def note_sources(sources: Sequence[Source]) -> None:
        for source in sources:
            used_sources[source.url] = source

    agreements = []
    for agreement in process.agreements:
        if agreement.status not in statuses:
            continue
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
            for change in commitment.status_changes:
                note_sources(change.sources)
            commitments.append(
                {
                    "key": commitment.key,
                    "kind": commitment.kind,
                    "description": commitment.description,
                    "obligated_party": _party_name(commitment.obligated_party),
                    "beneficiary_party": _party_name(commitment.beneficiary_party),
                    "target": commitment.target,
                    "target_is_maximum": commitment.target_is_maximum,
                    "unit": commitment.unit,
                    "deadline": _iso(commitment.deadline),
                    "period_start": _iso(commitment.period_start),
                    "period_end": _iso(commitment.period_end),
                    "baseline_start": _iso(commitment.baseline_start),
                    "baseline_end": _iso(commitment.baseline_end),
                    "status": commitment.status,
                    "status_history": [
                        {
                            "date": change.changed_on.isoformat(),
                            "status": change.status,
                            "notes": change.notes,
                            "source_url": _source_refs(change.sources),
                        }
                        for change in commitment.status_changes
                    ],
                    "releases": [release_to_dict(record) for record in releases],
                }
            )
        agreements.append(
            {
                "key": agreement.key,
                "title": agreement.title,
                "signed_on": _iso(agreement.signed_on),
                "signatories": [party.name for party in agreement.signatories],
                "summary": agreement.summary,
                "status": agreement.status,
                "sources": [{"url": s.url, "publisher": s.publisher} for s in agreement.sources],
                "commitments": commitments,
            }
        )
    milestones = []
    for milestone in process.milestones:
        if milestone.status not in statuses:
            continue
        note_sources(milestone.sources)
        milestones.append(
            {
                "date": milestone.date.isoformat(),
                "end_date": _iso(milestone.end_date),
                "title": milestone.title,
                "notes": milestone.notes,
                "source_url": _source_refs(milestone.sources),
                "status": milestone.status,
            }
        )
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
        "process": {
            "slug": process.slug,
            "name": process.name,
            "region": process.region,
            "description": process.description,
            "countries": process.countries,
            "status": process.status,
        },
        "parties": [
            {"name": p.name, "short_name": p.short_name, "kind": p.kind} for p in process.parties
        ],
        "sources": [
            {
                "url": s.url,
                "publisher": s.publisher,
                "title": s.title,
                "published_on": _iso(s.published_on),
                "accessed_on": _iso(s.accessed_on),
            }
            for s in sorted(used_sources.values(), key=lambda s: s.url)
        ],
        "agreements": agreements,
        "milestones": milestones,
        "violence": violence,
    }


def _party_name(party: Party | None) -> str | None:
    return party.name if party else None
