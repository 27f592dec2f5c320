"""Writing one release record or violence report: find the record a re-import means, then
create or update it. Shared by the bundle import and the CSV imports (which pass a batched
``lookup`` so that a chunk of rows costs one query, not one per row)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Claim, Commitment, PeaceProcess, ReleaseRecord, ViolenceReport
from tracker.services.entry.sources import SourceCache, assign
from tracker.services.interchange.batch import RELEASE_IDENTITY, VIOLENCE_IDENTITY, identity
from tracker.services.interchange.bundle import ImportCounts


def release_values(release: dict, sources: SourceCache) -> dict:
    """Model attributes of a cleaned release row."""
    values = {k: v for k, v in release.items() if k not in ("source_url", "source_name")}
    values["sources"] = sources.many(release["source_url"], release["source_name"])
    return values


def find_release(commitment: Commitment, values: dict) -> ReleaseRecord | None:
    """The record a re-import means: same date, kind, count and place (archived ones included)."""
    return db.session.scalar(
        select(ReleaseRecord).where(
            ReleaseRecord.commitment_id == commitment.id,
            *identity(ReleaseRecord, RELEASE_IDENTITY, values),
        )
    )


def write_release(
    commitment, release: dict, sources: SourceCache, counts: ImportCounts, lookup=None
):
    """Create or update one release record of ``commitment``.

    ``lookup`` (values -> record or None) replaces :func:`find_release`'s query, for callers
    that looked up a whole batch at once.
    """
    values = release_values(release, sources)
    record = lookup(values) if lookup else find_release(commitment, values)
    if record is None:
        record = ReleaseRecord(commitment_id=commitment.id, **values)
        db.session.add(record)
        counts.count("release", "added")
    else:
        counts.count("release", "updated" if assign(record, values) else "unchanged")
    return record


def claims_from_lists(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A report's ``claimed_by`` and ``denied_by`` actors as claims shaped by CLAIM_FIELDS."""
    return [
        {"actor": actor, "stance": stance, "date": None, "notes": "", "source_url": []}
        for stance, column in (("claimed", "claimed_by"), ("denied", "denied_by"))
        for actor in report.get(column, [])
    ]


def find_violence(process: PeaceProcess, values: dict) -> ViolenceReport | None:
    """The report a re-import means: same ``event_id_cnty``, else same date, place, type, actor."""
    query = select(ViolenceReport).where(ViolenceReport.process_id == process.id)
    if values.get("event_id_cnty"):
        query = query.where(ViolenceReport.event_id_cnty == values["event_id_cnty"])
    else:
        query = query.where(
            ViolenceReport.event_id_cnty.is_(None),
            *identity(ViolenceReport, VIOLENCE_IDENTITY, values),
        )
    return db.session.scalars(query.limit(1)).first()


def write_violence(process, report: dict, sources: SourceCache, counts: ImportCounts, lookup=None):
    """Create or update one violence report of ``process`` with its claims.

    ``lookup`` (values -> report or None) replaces :func:`find_violence`'s query, for callers
    that looked up a whole batch at once.
    """
    values = {
        k: v
        for k, v in report.items()
        if k not in ("claimed_by", "denied_by", "source_url", "claims")
    }
    values["event_id_cnty"] = values.get("event_id_cnty") or None
    values["sources"] = sources.many(report["source_url"])
    record = lookup(values) if lookup else find_violence(process, values)
    created = record is None
    if created:
        if not values["sources"]:
            del values["sources"]  # a new report has none; setting [] costs a bulk import dear
        record = ViolenceReport(process_id=process.id, **values)
        db.session.add(record)
        changed = True
    else:
        changed = assign(record, values)
    current = {(claim.actor, claim.stance): claim for claim in record.claims}
    wanted = []
    for claim in report["claims"]:
        claim_values = {
            "actor": claim["actor"],
            "stance": claim["stance"],
            "stated_on": claim["date"],
            "notes": claim["notes"],
            "sources": sources.many(claim["source_url"]),
        }
        existing = current.pop((claim["actor"], claim["stance"]), None)
        if existing is None:
            wanted.append(Claim(**claim_values))
            changed = True
        else:
            changed = assign(existing, claim_values) or changed
            wanted.append(existing)
    if current:
        changed = True
    if [id(c) for c in record.claims] != [id(c) for c in wanted]:
        record.claims = wanted
    counts.count("violence", "added" if created else "updated" if changed else "unchanged")
    return record
