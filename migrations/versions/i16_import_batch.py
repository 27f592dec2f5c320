"""Reviewed records keep the label of the import their draft came from; waiting drafts get indexes

The review queue groups, counts and pages drafts by import in SQL instead of reading every
draft's audit events into Python (a 250,000-row upload leaves that many drafts). Drafts already
waiting take the label of their latest import audit event: per-record import events carry it
as changes.batch.after, a bulk import event as changes.batch with the ids it added as runs.
Partial indexes (WHERE status = 'under_review') cover only the drafts; commitment status
changes keep their review status in review_status.

Revision ID: i16_import_batch
Revises: i13_upload_jobs
Create Date: 2026-11-28 15:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "i16_import_batch"
down_revision = "i13_upload_jobs"
branch_labels = None
depends_on = None

# table -> the entity name its audit events use
TABLES = {
    "agreements": "agreement",
    "commitments": "commitment",
    "commitment_status_changes": "status_change",
    "milestones": "milestone",
    "peace_processes": "process",
    "release_records": "release_record",
    "violence_reports": "violence_report",
}
# commitment_status_changes keeps its review status in review_status (status is the PAM value)
STATUS = {"commitment_status_changes": "review_status"}


def _waiting(table: str) -> str:
    return f"{STATUS.get(table, 'status')} = 'under_review'"


def _changes(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _labels(connection, table: str, entity: str) -> dict[int, str]:
    """Each waiting draft's batch, from its latest import event (bulk ones included)."""
    drafts = {
        row[0]
        for row in connection.execute(
            sa.text(f"SELECT id FROM {table} WHERE {_waiting(table)}")  # noqa: S608
        )
    }
    if not drafts:
        return {}
    found: dict[int, tuple[int, str]] = {}
    events = connection.execute(
        sa.text(
            "SELECT id, entity_type, entity_id, changes FROM audit_events "
            "WHERE action = 'import' AND entity_type IN (:entity, 'import') ORDER BY id"
        ),
        {"entity": entity},
    )
    for event_id, entity_type, entity_id, raw in events:
        changes = _changes(raw)
        if entity_type == entity:
            batch = (changes.get("batch") or {}).get("after") if entity_id in drafts else None
            if batch:
                found[entity_id] = (event_id, batch)
        elif changes.get("records") == entity and changes.get("batch"):
            for first, last in changes.get("ids") or []:
                for record_id in drafts.intersection(range(first, last + 1)):
                    found[record_id] = (event_id, changes["batch"])
    return {record_id: batch for record_id, (_, batch) in found.items()}


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("import_batch", sa.String(length=300), nullable=True))
    connection = op.get_bind()
    for table, entity in TABLES.items():
        labels = _labels(connection, table, entity)
        if labels:
            connection.execute(
                sa.text(f"UPDATE {table} SET import_batch = :batch WHERE id = :id"),  # noqa: S608
                [{"id": record_id, "batch": batch} for record_id, batch in labels.items()],
            )
        op.create_index(
            f"ix_{table}_waiting",
            table,
            ["import_batch", "updated_at", "id"],
            postgresql_where=sa.text(_waiting(table)),
            sqlite_where=sa.text(_waiting(table)),
        )


def downgrade():
    for table in TABLES:
        op.drop_index(f"ix_{table}_waiting", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("import_batch")
