"""Violence reports keep their import row's fingerprint; those without an event id get an index

A re-import compares each row's fingerprint with the stored one in one narrow query per chunk,
so unchanged rows cost no ORM object. Any later change to a report by another path sets it
back to NULL (tracker.services.interchange.fingerprint), and the next re-import compares the
row for real. Existing reports start without one.

Revision ID: i15_violence_fingerprint
Revises: i14_status_change_review
Create Date: 2026-11-28 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i15_violence_fingerprint"
down_revision = "i14_status_change_review"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=32), nullable=True))
    # Reports without an event id, found by date, place, type and first actor (only those
    # rows: a partial index).
    keyless = sa.text("event_id_cnty IS NULL")
    op.create_index(
        "ix_violence_reports_keyless",
        "violence_reports",
        ["process_id", "event_date", "location", "event_type", "actor1"],
        postgresql_where=keyless,
        sqlite_where=keyless,
    )


def downgrade():
    op.drop_index("ix_violence_reports_keyless", table_name="violence_reports")
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        batch_op.drop_column("fingerprint")
