"""The import log: one audit event per import as a whole, so imports can be listed.

The audit listener already writes one event per changed record; this adds the summary
(entity type "import") with the file, the target and the counts.
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
    """One audit event for the import as a whole, so imports can be listed (entity "import")."""
    counts = result.counts
    event = AuditEvent(
        user_id=user_id,
        actor=actor,
        action="import",
        entity_type="import",
        summary=(
            f"{kind} from {filename} into {target}: {counts.added} added, "
            f"{counts.updated} updated, {counts.unchanged} unchanged"
        )[:500],
        changes={
            "kind": kind,
            "file": filename,
            "target": target,
            "rows": result.rows,
            "status": status,
            "added": counts.added,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
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
