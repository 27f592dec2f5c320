"""Keep every ACLED column with a meaning, the data set and licence of each violence report,
the countries of a process (import guards) and the PA-X id of an agreement

Revision ID: i12_external_datasets
Revises: i10_revisions
Create Date: 2026-11-27 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i12_external_datasets"
down_revision = "i10_revisions"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("disorder_type", sa.String(length=100)),
    ("civilian_targeting", sa.String(length=100)),
    ("inter1", sa.String(length=100)),
    ("inter2", sa.String(length=100)),
    ("interaction", sa.String(length=100)),
    ("admin3", sa.String(length=200)),
    ("iso", sa.String(length=10)),
    ("iso3", sa.String(length=3)),
    ("region", sa.String(length=100)),
    ("tags", sa.Text()),
    ("timestamp", sa.String(length=20)),
    ("original_event_type", sa.String(length=100)),
    ("dataset", sa.String(length=100)),
    ("licence", sa.String(length=100)),
)


def upgrade():
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        for name, type_ in TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=""))
        batch_op.add_column(sa.Column("type_of_violence", sa.Integer(), nullable=True))
    with op.batch_alter_table("peace_processes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("countries", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pax_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("pax_id")
    with op.batch_alter_table("peace_processes", schema=None) as batch_op:
        batch_op.drop_column("countries")
    with op.batch_alter_table("violence_reports", schema=None) as batch_op:
        batch_op.drop_column("type_of_violence")
        for name, _ in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
