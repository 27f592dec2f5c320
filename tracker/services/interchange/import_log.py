"""The import log: one audit event per import as a whole, so imports can be listed.

The audit listener writes one event per record changed through the ORM; this adds the summary
(entity type "import") with the file, the target and the counts. A violence import's fast path
writes that summary itself, with the ids of the records it added (see ``bulk_violence``).
"""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.services.interchange.csv_import import CsvImportResult


def record_import_event(
    kind: str,
    target: str,
    filename: str,
    result: CsvImportResult,
    actor: str,
    user_id: int | None = None,
    status: str | None = None,
) -> AuditEvent:
    """One audit event for the import as a whole, so imports can be listed (entity "import").

    A violence import whose fast path added records wrote that event already, with the
    file's hash and the ids it added: it is completed here rather than written twice.
    """
    counts = result.counts
    summary = (
        f"{kind} from {filename} into {target}: {counts.added} added, "
        f"{counts.updated} updated, {counts.unchanged} unchanged"
    )[:500]
    details = {
        "kind": kind,
        "file": filename,
        "target": target,
        "rows": result.rows,
        "status": status,
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
    }
    if result.event is not None:
        event = result.event
        event.summary = summary
        event.changes = {**event.changes, **details}  # a new dict: the JSON column sees it
        event.actor = event.actor or actor
        event.user_id = event.user_id or user_id
        return event
    event = AuditEvent(
        user_id=user_id,
        actor=actor,
        action="import",
        entity_type="import",
        summary=summary,
        changes=details,
    )
    db.session.add(event)
    return event


def list_imports(limit: int = 50) -> list[AuditEvent]:
    """The latest imports, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "import")
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
