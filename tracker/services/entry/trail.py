"""A record's audit events, wherever they are kept: its own events, and the bulk imports that
added it.

A bulk import of violence reports writes ONE audit event (entity type "import") holding the
file's hash, the counts and the ids it added as runs ``[[first, last], ...]``, not one event
per row (:mod:`tracker.services.interchange.bulk_violence`). Every reader of a record's events
(history, review, edit conflicts, the review queue) goes through :func:`record_events`, which
returns such an import as an event of the record itself: its changes are the record's first
version, rebuilt from its current values with the later events' "before" values applied
newest first, so no JSON copy of every row is needed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.services.entry.audit import ENTITY_NAMES, IGNORED, _label, claim_snapshot, jsonable

# A stored version is what these actions wrote; a proposal ("revise") is not.
PROPOSALS = {"revise"}
# Bulk imports name the kind of record they added in their changes; only these kinds have them.
RECORDS_KEY = "records"
BULK_ENTITIES = frozenset({"violence_report"})
ID_SLICE = 10_000


def to_runs(ids: Iterable[int]) -> list[list[int]]:
    """Ascending ids as runs of consecutive ids: [1, 2, 3, 7] -> [[1, 3], [7, 7]]."""
    runs: list[list[int]] = []
    for record_id in sorted(ids):
        if runs and runs[-1][1] + 1 == record_id:
            runs[-1][1] = record_id
        else:
            runs.append([record_id, record_id])
    return runs


def add_to_runs(runs: list[list[int]], ids: Iterable[int]) -> None:
    """Add ids to sorted runs in place (the usual case, ids above the last run, costs O(1) each)."""
    for record_id in ids:
        if runs and runs[-1][1] + 1 == record_id:
            runs[-1][1] = record_id
        elif runs and record_id <= runs[-1][1]:
            runs[:] = to_runs([*(i for a, b in runs for i in range(a, b + 1)), record_id])
        else:
            runs.append([record_id, record_id])


def runs_hold(runs: list[list[int]], record_id: int) -> bool:
    """Whether ``record_id`` is in one of the (sorted, disjoint) runs."""
    index = bisect_right([first for first, _ in runs], record_id) - 1
    return index >= 0 and runs[index][1] >= record_id


def bulk_imports(entity: str) -> list[AuditEvent]:
    """The bulk import events that added records of ``entity``, oldest first (few: one per
    import file)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "import", AuditEvent.action == "import")
        .order_by(AuditEvent.id)
    )
    return [e for e in events if (e.changes or {}).get(RECORDS_KEY) == entity]


def bulk_import_of(entity: str, record_ids: Iterable[int]) -> dict[int, AuditEvent]:
    """For each id, the bulk import event that added it (ids added one by one are left out)."""
    wanted = set(record_ids) if entity in BULK_ENTITIES else set()
    found: dict[int, AuditEvent] = {}
    for event in bulk_imports(entity) if wanted else []:
        runs = event.changes.get("ids") or []
        for record_id in wanted - found.keys():
            if runs_hold(runs, record_id):
                found[record_id] = event
    return found


def current_values(record: Any) -> dict[str, Any]:
    """The record's stored values as audit events name them (columns, sources, claims)."""
    state = {
        attr.key: jsonable(getattr(record, attr.key))
        for attr in record.__mapper__.column_attrs
        if attr.key not in IGNORED
    }
    if "sources" in record.__mapper__.relationships:
        state["sources"] = sorted(source.url for source in record.sources)
    if "claims" in record.__mapper__.relationships:
        state["claims"] = claim_snapshot(record)
    return state


def first_version(record: Any, later: list[AuditEvent]) -> dict[str, dict[str, Any]]:
    """The changes of a record's creation, rebuilt from its values now and ``later`` events."""
    from tracker.services.entry.history import field_name

    state = current_values(record)
    for event in reversed(later):
        if event.action in PROPOSALS:
            continue
        for name, change in (event.changes or {}).items():
            name = field_name(name, change)
            if name in state:
                state[name] = change.get("before")
    return {
        name: {"before": None, "after": value}
        for name, value in state.items()
        if value is not None and value != []
    }


def as_record_event(event: AuditEvent, record: Any, later: list[AuditEvent]) -> AuditEvent:
    """A bulk import event as an event of ``record`` (transient: never written)."""
    copy = AuditEvent(
        id=event.id,
        occurred_at=event.occurred_at,
        user_id=event.user_id,
        actor=event.actor,
        action="import",
        entity_type=ENTITY_NAMES[type(record)],
        entity_id=record.id,
        summary=_label(record)[:500],
        changes=first_version(record, later),
    )
    if event.changes.get("batch"):
        copy.changes["batch"] = {"before": None, "after": event.changes["batch"]}
    return copy


def record_events(
    model: type, record_id: int, after_id: int = 0, action: str | None = None
) -> list[AuditEvent]:
    """Every audit event of the record newer than ``after_id`` (only ``action``'s, if given),
    oldest first, the bulk import that added it included."""
    entity = ENTITY_NAMES[model]
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity, AuditEvent.entity_id == record_id)
        .order_by(AuditEvent.id)
    )
    events = list(db.session.scalars(query))
    bulk = bulk_import_of(entity, [record_id]).get(record_id)
    record = db.session.get(model, record_id) if bulk is not None and bulk.id > after_id else None
    if record is not None:
        later = [event for event in events if event.id > bulk.id]
        events = sorted([*events, as_record_event(bulk, record, later)], key=lambda e: e.id)
    return [
        event
        for event in events
        if event.id > after_id and (action is None or event.action == action)
    ]


def authorship_events(entity: str, ids: list[int]) -> list[tuple[int, str, int | None, dict]]:
    """(record id, action, user id, changes) of many records' events, oldest first, bulk
    imports included with their batch: what the review queue needs, in two queries."""
    rows = []
    # In slices: one IN list per 10,000 ids, as SQLite takes at most 32,766 parameters in a
    # statement and PostgreSQL 65,535 (a 250,000-row upload leaves that many drafts).
    for start in range(0, len(ids), ID_SLICE):
        rows.extend(
            db.session.execute(
                select(AuditEvent.id, AuditEvent.entity_id, AuditEvent.action,
                       AuditEvent.user_id, AuditEvent.changes)
                .where(AuditEvent.entity_type == entity,
                       AuditEvent.entity_id.in_(ids[start : start + ID_SLICE]))
            )
        )  # fmt: skip
    for record_id, event in bulk_import_of(entity, ids).items():
        batch = event.changes.get("batch")
        changes = {"batch": {"before": None, "after": batch}} if batch else {}
        rows.append((event.id, record_id, "import", event.user_id, changes))
    rows.sort(key=lambda row: row[0])
    return [tuple(row[1:]) for row in rows]
