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


def import_bundle(doc: Any, status: str | None = None) -> tuple[PeaceProcess, ImportCounts]:
    """Validate, then write a bundle in the current transaction; the caller commits."""
    plan = clean_bundle(doc, status)
    counts = ImportCounts()
    sources = SourceCache(plan["sources"])

    values = plan["process"]
    process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == values["slug"]))
    if process is None:
        process = PeaceProcess(**values)
        db.session.add(process)
        counts.count("process", "added")
    else:
        counts.count("process", "updated" if assign(process, values) else "unchanged")

    parties = {party.name: party for party in process.parties}
    for values in plan["parties"]:
        party = parties.get(values["name"])
        if party is None:
            party = parties[values["name"]] = Party(process=process, **values)
            db.session.add(party)
            counts.count("party", "added")
        else:
            counts.count("party", "updated" if assign(party, values) else "unchanged")

    by_key = {agreement.key: agreement for agreement in process.agreements}
    for values in plan["agreements"]:
        commitments = values.pop("commitments")
        values["signatories"] = [parties[name] for name in values["signatories"]]
        values["sources"] = [
            sources.get(s["url"], s.get("publisher", "")) for s in values["sources"]
        ]
        agreement = by_key.get(values["key"])
        if agreement is None:
            agreement = Agreement(process=process, **values)
            db.session.add(agreement)
            counts.count("agreement", "added")
        else:
            counts.count("agreement", "updated" if assign(agreement, values) else "unchanged")
        for commitment_values in commitments:
            _write_commitment(agreement, commitment_values, parties, sources, counts)

    existing = {(m.date, m.title): m for m in process.milestones}
    for values in plan["milestones"]:
        values["sources"] = sources.many(values.pop("source_url"))
        milestone = existing.get((values["date"], values["title"]))
        if milestone is None:
            db.session.add(Milestone(process=process, **values))
            counts.count("milestone", "added")
        else:
            counts.count("milestone", "updated" if assign(milestone, values) else "unchanged")

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
    if commitment is None:
        commitment = Commitment(agreement=agreement, **values)
        db.session.add(commitment)
        counts.count("commitment", "added")
    else:
        counts.count("commitment", "updated" if assign(commitment, values) else "unchanged")

    known = {(c.changed_on, c.status): c for c in commitment.status_changes}
    for change in history:
        change_values = {**change, "sources": sources.many(change["source_url"])}
        del change_values["source_url"]
        existing = known.get((change["changed_on"], change["status"]))
        if existing is None:
            db.session.add(CommitmentStatusChange(commitment=commitment, **change_values))
            counts.count("status_change", "added")
        else:
            counts.count(
                "status_change", "updated" if assign(existing, change_values) else "unchanged"
            )

    if commitment.id is None:
        db.session.flush()
    for release in releases:
        write_release(commitment, release, sources, counts)
