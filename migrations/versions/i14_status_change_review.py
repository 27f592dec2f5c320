"""Status changes are reviewed: a review status and a version on commitment_status_changes

A status change moves a public figure (the agreement's implementation score), so it now goes
through review like every other record. Status changes recorded before this were public from
the moment they were saved: they become ``published``. The PAM value keeps its column
``status``; the review status is the new ``review_status`` column.

Revision ID: i14_status_change_review
Revises: i11_preview_started
Create Date: 2026-11-28 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i14_status_change_review"
down_revision = "i11_preview_started"
branch_labels = None
depends_on = None

REVIEW_STATUS = sa.Enum(
    "under_review",
    "published",
    "archived",
    name="review_status",
    native_enum=False,
    create_constraint=True,
    length=32,
)


def upgrade():
    with op.batch_alter_table("commitment_status_changes", schema=None) as batch_op:
        # The server defaults fill the existing rows only: they were public already.
        batch_op.add_column(
            sa.Column("review_status", REVIEW_STATUS, nullable=False, server_default="published")
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("commitment_status_changes", schema=None) as batch_op:
        # New rows name their review status (the app starts them under review): no default
        # may publish a row written around the app.
        batch_op.alter_column("review_status", server_default=None)
        batch_op.alter_column("version", server_default=None)


def downgrade():
    with op.batch_alter_table("commitment_status_changes", schema=None) as batch_op:
        # SQLite's table copy would keep the CHECK of a column it no longer has.
        batch_op.drop_constraint(op.f("ck_commitment_status_changes_review_status"), type_="check")
        batch_op.drop_column("version")
        batch_op.drop_column("review_status")
