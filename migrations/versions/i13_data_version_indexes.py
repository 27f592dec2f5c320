"""Data version counter for the chart cache, and indexes chosen from the query plans

Revision ID: i13_data_version_indexes
Revises: 0003
Create Date: 2026-11-27 19:15:00

The daily/weekly counts, the caption counts and the list API read (process, status, date,
type, fatalities) from one covering index instead of the table; the actor filter's list of
perpetrators reads (process, status, actor1) in order instead of scanning and sorting the table;
pages of the list API find their ids in (process, status, date, id) alone, deep pages included.
"""

from alembic import op
import sqlalchemy as sa


revision = "i13_data_version_indexes"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    data_version = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.bulk_insert(data_version, [{"id": 1, "version": 1}])
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_violence_reports_process_date")
        batch_op.create_index(
            "ix_violence_reports_list",
            ["process_id", "status", "event_date", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_violence_reports_daily",
            ["process_id", "status", "event_date", "event_type", "fatalities"],
            unique=False,
        )
        batch_op.create_index(
            "ix_violence_reports_actor1", ["process_id", "status", "actor1"], unique=False
        )


def downgrade():
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_violence_reports_actor1")
        batch_op.drop_index("ix_violence_reports_daily")
        batch_op.drop_index("ix_violence_reports_list")
        batch_op.create_index(
            "ix_violence_reports_process_date",
            ["process_id", "status", "event_date"],
            unique=False,
        )
    op.drop_table("data_version")
