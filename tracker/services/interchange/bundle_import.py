"""Importing a process bundle: validate everything, then create or update by slug and keys.

Nothing is written when any value is wrong (:mod:`bundle_check` validates the whole document
first; every error names its JSON path, such as ``agreements[0].commitments[1].releases[3].count``).
The caller commits (one transaction).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
)
from tracker.services.entry.sources import SourceCache, assign
from tracker.services.interchange.bundle import ImportCounts
from tracker.services.interchange.bundle_check import clean_bundle
from tracker.services.interchange.writers import write_release, write_violence


def _upsert(record: Any, model: type, values: dict, counts: ImportCounts, name: str, **parent):
    """Create the record when there is none, else update it; count which it was."""
    if record is None:
        record = model(**parent, **values)
        db.session.add(record)
        counts.count(name, "added")
    else:
        counts.count(name, "updated" if assign(record, values) else "unchanged")
    return record


def import_bundle(doc: Any, status: str | None = None) -> tuple[PeaceProcess, ImportCounts]:
    """Validate, then write a bundle in the current transaction; the caller commits."""
    plan = clean_bundle(doc, status)
    counts = ImportCounts()
    sources = SourceCache(plan["sources"])

    values = plan["process"]
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == values["slug"]))
    process = _upsert(process, PeaceProcess, values, counts, "process")

    parties = {party.name: party for party in process.parties}
    for values in plan["parties"]:
        parties[values["name"]] = _upsert(
            parties.get(values["name"]), Party, values, counts, "party", process=process
        )

    by_key = {agreement.key: agreement for agreement in process.agreements}
    for values in plan["agreements"]:
        commitments = values.pop("commitments")
        values["signatories"] = [parties[name] for name in values["signatories"]]
        values["sources"] = [
            sources.get(s["url"], s.get("publisher", "")) for s in values["sources"]
        ]
        agreement = _upsert(
            by_key.get(values["key"]), Agreement, values, counts, "agreement", process=process
        )
        for commitment_values in commitments:
            _write_commitment(agreement, commitment_values, parties, sources, counts)

    existing = {(m.date, m.title): m for m in process.milestones}
    for values in plan["milestones"]:
        values["sources"] = sources.many(values.pop("source_url"))
        milestone = existing.get((values["date"], values["title"]))
        _upsert(milestone, Milestone, values, counts, "milestone", process=process)

    db.session.flush()
    for values in plan["violence"]:
        write_violence(process, values, sources, counts)
    db.session.flush()
    return process, counts


def _write_commitment(agreement, values, parties, sources, counts) -> None:
    releases = values.pop("releases")
    history = values.pop("status_history")
    values["obligated_party"] = parties.get(values["obligated_party"])
    values["beneficiary_party"] = parties.get(values["beneficiary_party"])
    commitment = next((c for c in agreement.commitments if c.key == values["key"]), None)
    commitment = _upsert(commitment, Commitment, values, counts, "commitment", agreement=agreement)

    known = {(c.changed_on, c.pam_status): c for c in commitment.status_changes}
    for change in history:
        change_values = {**change, "sources": sources.many(change["source_url"])}
        del change_values["source_url"]
        existing = known.get((change["changed_on"], change["pam_status"]))
        _upsert(
            existing,
            CommitmentStatusChange,
            change_values,
            counts,
            "status_change",
            commitment=commitment,
        )

    if commitment.id is None:
        db.session.flush()
    for release in releases:
        write_release(commitment, release, sources, counts)
