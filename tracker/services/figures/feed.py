"""What a process's Atom feed lists: records newly published (status changes too), newest first.

Read from the audit trail (the "publish" events, and records created already published, as
imports with ``--status published`` do; a bulk import's one event lists the ids it added),
keeping only records that belong to the process and are public now: a record archived since
drops out of the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    Agreement,
    AuditEvent,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    PeaceProcess,
    ReleaseRecord,
    ViolenceReport,
)
from tracker.models.base import PAM_STATUS_LABELS
from tracker.services.entry.trail import RECORDS_KEY
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.wording import long_date

FEED_ENTRIES = 50
SCANNED_EVENTS = 2000  # the newest audit events looked through for the feed's entries
BULK_KIND = "violence_report"  # the records a bulk import adds (see entry/trail.py)
FEED_KINDS = {
    "release_record": ReleaseRecord,
    "violence_report": ViolenceReport,
    "status_change": CommitmentStatusChange,
    "milestone": Milestone,
    "agreement": Agreement,
    "commitment": Commitment,
}


@dataclass
class FeedEntry:
    """One entry: a stable id, when it happened, a title, and where to read more."""

    event_id: int | str  # the audit event's id; "event.record" for a bulk import's records
    updated: datetime
    title: str
    summary: str
    kind: str
    record_id: int
    record: object


def process_of(record) -> PeaceProcess | None:
    """The process a record belongs to."""
    if isinstance(record, (ViolenceReport, Milestone)):
        return record.process
    if isinstance(record, Agreement):
        return record.process
    if isinstance(record, Commitment):
        return record.agreement.process
    return record.commitment.agreement.process  # release records and status changes


def is_public(record) -> bool:
    """Whether the record is public now (with the terms and agreement above it)."""
    chain = [record]
    if isinstance(record, (ReleaseRecord, CommitmentStatusChange)):
        chain += [record.commitment, record.commitment.agreement]
    elif isinstance(record, Commitment):
        chain.append(record.agreement)
    return all(getattr(item, "status", "published") in PUBLIC for item in chain)


def published_now(event: AuditEvent) -> bool:
    """A publication: a "publish" event, or a record created or imported published."""
    if event.action == "publish":
        return True
    if event.action not in ("create", "import"):
        return False
    status = (event.changes or {}).get("status", {}).get("after")
    # Status changes saved before they were reviewed (migration i14) were public from their
    # creation; their events carry the PAM value (a number) as "status".
    legacy = event.entity_type == "status_change" and isinstance(status, int)
    return legacy or status == "published"


def describe(record) -> tuple[str, str]:
    """The entry's title and summary, in words."""
    if isinstance(record, ReleaseRecord):
        what = "Running total" if record.kind == "cumulative" else "Release"
        term = record.commitment.description
        return (
            f"{what} of {record.count:,} {record.commitment.unit} on {long_date(record.date)}",
            f"{term} Verification: {record.verification}.",
        )
    if isinstance(record, ViolenceReport):
        return (
            f"{record.event_type} in {record.location} on {long_date(record.event_date)}",
            f"By {record.actor1}; {record.fatalities:,} killed. {record.notes or ''}".strip(),
        )
    if isinstance(record, CommitmentStatusChange):
        label = PAM_STATUS_LABELS.get(record.pam_status, str(record.pam_status))
        return (
            f"Status {record.pam_status} ({label}) from {long_date(record.changed_on)}",
            f"{record.commitment.description} {record.notes or ''}".strip(),
        )
    if isinstance(record, Milestone):
        return f"Milestone on {long_date(record.date)}: {record.title}", record.notes or ""
    if isinstance(record, Agreement):
        return f"Agreement: {record.title}", record.summary or ""
    return f"Term: {record.description}", ""


@dataclass(frozen=True)
class _Candidate:
    """A publication found in the audit trail: the event, and the record it published."""

    entry_id: int | str
    occurred_at: datetime
    kind: str
    record_id: int


def _bulk_publications(event: AuditEvent, limit: int) -> list[_Candidate]:
    """The newest records a bulk import added published (its event lists their ids)."""
    runs = event.changes.get("ids") or []
    found: list[_Candidate] = []
    for first, last in reversed(runs):
        record_id = last
        while record_id >= first and len(found) < limit:
            # One event, many records: each entry's id names both.
            entry_id = f"{event.id}.{record_id}"
            found.append(_Candidate(entry_id, event.occurred_at, BULK_KIND, record_id))
            record_id -= 1
    return found


def _candidates(limit: int) -> list[_Candidate]:
    """Publications, newest first, one per record: from the newest audit events."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type.in_([*FEED_KINDS, "import"]),
            AuditEvent.action.in_(("publish", "create", "import")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(SCANNED_EVENTS)
    )
    candidates, seen = [], set()
    for event in events:
        if event.entity_type == "import":
            changes = event.changes or {}
            if changes.get(RECORDS_KEY) != BULK_KIND or changes.get("added_as") != "published":
                continue
            found = _bulk_publications(event, limit * 4)
        elif event.entity_id is None or not published_now(event):
            continue
        else:
            found = [_Candidate(event.id, event.occurred_at, event.entity_type, event.entity_id)]
        for candidate in found:
            key = (candidate.kind, candidate.record_id)
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
    return candidates


def feed_entries(process: PeaceProcess, limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """The newest publications of the process (status changes included), at most ``limit``."""
    candidates = _candidates(limit)
    records = {}  # one query per kind, not one per event
    for kind, model in FEED_KINDS.items():
        ids = [c.record_id for c in candidates if c.kind == kind]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for record in db.session.scalars(select(model).where(model.id.in_(chunk))):
                records[(kind, record.id)] = record
    entries: list[FeedEntry] = []
    for candidate in candidates:
        record = records.get((candidate.kind, candidate.record_id))
        if record is None or not is_public(record) or process_of(record) is not process:
            continue
        title, summary = describe(record)
        entries.append(
            FeedEntry(candidate.entry_id, candidate.occurred_at, title, summary, candidate.kind,
                      record.id, record)
        )  # fmt: skip
        if len(entries) >= limit:
            break
    return entries
