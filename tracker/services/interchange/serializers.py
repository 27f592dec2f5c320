"""One serializer per record kind: the dicts the API, the process bundle and the CSV exports
are made of. Field names and formats are DOMAIN.md's contract: change them only by adding.

Release records and violence reports use their CSV column names everywhere; the API's items
drop what is internal to a bundle (review status, claims in full) and add the record's id.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from tracker.services.interchange.kept_columns import kept_values


def iso(value) -> str | None:
    """A date as ISO 8601 text; None stays None."""
    return value.isoformat() if value is not None else None


def _in_id_order(sources: Sequence[Source]) -> list[Source]:
    """Sources in the order the database gives them (by id), also for a list still in the
    order it was first assigned."""
    return sorted(sources, key=lambda source: (source.id is None, source.id or 0))


def source_refs(sources: Sequence[Source]) -> str:
    """Sources as the CSV formats refer to them: urls separated by ";", in id order."""
    return ";".join(source.url for source in _in_id_order(sources))


def publisher_refs(sources: Sequence[Source]) -> str:
    """The publishers of :func:`source_refs`'s sources, place by place: a source with no
    publisher keeps its (blank) place, so each name stays with its URL."""
    return ";".join(source.publisher for source in _in_id_order(sources))


def party_name(party: Party | None) -> str | None:
    """A party as the bundle refers to it: by name."""
    return party.name if party else None


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
        "source_url": source_refs(record.sources),
        "source_name": publisher_refs(record.sources),
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
        "source_url": source_refs(report.sources),
        **kept_values(report),
        "status": report.status,
        "claims": [
            {
                "actor": claim.actor,
                "stance": claim.stance,
                "date": iso(claim.stated_on),
                "notes": claim.notes,
                "source_url": source_refs(claim.sources),
            }
            for claim in report.claims
        ],
    }


def violence_item(report: ViolenceReport) -> dict[str, Any]:
    """A violence report in the API: its id and the CSV fields by the same names."""
    item = violence_to_dict(report)
    del item["status"], item["claims"]
    return {"id": report.id, **item}


def status_change_to_dict(change) -> dict[str, Any]:
    """One dated implementation status of a commitment, as the bundle holds it."""
    return {
        "date": change.changed_on.isoformat(),
        "status": change.pam_status,
        "notes": change.notes,
        "source_url": source_refs(change.sources),
        "review_status": change.status,
    }


def commitment_terms(commitment: Commitment) -> dict[str, Any]:
    """What a commitment promises: the fields the bundle, the CSV and the API share."""
    return {
        "key": commitment.key,
        "kind": commitment.kind,
        "description": commitment.description,
        "obligated_party": party_name(commitment.obligated_party),
        "beneficiary_party": party_name(commitment.beneficiary_party),
        "target": commitment.target,
        "target_is_maximum": commitment.target_is_maximum,
        "unit": commitment.unit,
        "deadline": iso(commitment.deadline),
        "period_start": iso(commitment.period_start),
        "period_end": iso(commitment.period_end),
        "baseline_start": iso(commitment.baseline_start),
        "baseline_end": iso(commitment.baseline_end),
    }


def commitment_to_dict(
    commitment: Commitment,
    releases: Sequence[ReleaseRecord],
    status_changes: Sequence[CommitmentStatusChange],
) -> dict[str, Any]:
    """A commitment as the bundle holds it, with its status history and release records."""
    return {
        **commitment_terms(commitment),
        "status": commitment.status,
        "status_history": [status_change_to_dict(c) for c in status_changes],
        "releases": [release_to_dict(record) for record in releases],
    }


def agreement_to_dict(agreement: Agreement, commitments: list[dict[str, Any]]) -> dict[str, Any]:
    """An agreement as the bundle holds it, with its (already serialised) commitments."""
    return {
        "key": agreement.key,
        "title": agreement.title,
        "signed_on": iso(agreement.signed_on),
        "signatories": [party.name for party in agreement.signatories],
        "summary": agreement.summary,
        "status": agreement.status,
        "sources": [{"url": s.url, "publisher": s.publisher} for s in agreement.sources],
        "commitments": commitments,
    }


def milestone_to_dict(milestone: Milestone) -> dict[str, Any]:
    """A milestone as the bundle holds it."""
    return {
        "date": milestone.date.isoformat(),
        "end_date": iso(milestone.end_date),
        "title": milestone.title,
        "notes": milestone.notes,
        "source_url": source_refs(milestone.sources),
        "status": milestone.status,
    }


def process_summary(process: PeaceProcess) -> dict[str, Any]:
    """A process in the API's list of processes: its public fields."""
    return {
        "slug": process.slug,
        "name": process.name,
        "region": process.region,
        "description": process.description,
    }


def process_to_dict(process: PeaceProcess) -> dict[str, Any]:
    """A process's own fields, as the bundle holds them."""
    return {**process_summary(process), "countries": process.countries, "status": process.status}


def party_to_dict(party: Party) -> dict[str, Any]:
    """A party as the bundle holds it."""
    return {"name": party.name, "short_name": party.short_name, "kind": party.kind}


def source_to_dict(source: Source) -> dict[str, Any]:
    """A source as the bundle lists it once, referred to by url from each record."""
    return {
        "url": source.url,
        "publisher": source.publisher,
        "title": source.title,
        "published_on": iso(source.published_on),
        "accessed_on": iso(source.accessed_on),
    }
