"""Upload jobs: which job an upload waits for (check, import), its state, its row count and outcome

The web upload's check and import run as jobs on the Huey queue instead of inside a request, so
the upload row says which job it waits for or ran last, how that went, and what it found (the
counts and first rows, or the errors) for whichever worker shows the page.

Revision ID: i13_upload_jobs
Revises: i15_violence_fingerprint
Create Date: 2026-11-28 02:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i13_upload_jobs"
down_revision = "i15_violence_fingerprint"
branch_labels = None
depends_on = None


def vocabulary(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        # Uploads waiting from before were never checked by a job: they are queued for one.
        batch_op.add_column(
            sa.Column(
                "job",
                vocabulary("upload_job", "check", "import"),
                nullable=False,
                server_default="check",
            )
        )
        batch_op.add_column(
            sa.Column(
                "job_state",
                vocabulary("upload_job_state", "queued", "running", "done", "failed"),
                nullable=False,
                server_default="queued",
            )
        )
        batch_op.add_column(
            sa.Column("total_rows", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("outcome", sa.JSON(), nullable=True))
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        batch_op.alter_column("job", server_default=None)
        batch_op.alter_column("job_state", server_default=None)
        batch_op.alter_column("total_rows", server_default=None)


def downgrade():
    with op.batch_alter_table("pending_imports", schema=None) as batch_op:
        # SQLite's table copy would keep the CHECK of a column it no longer has.
        batch_op.drop_constraint(op.f("ck_pending_imports_upload_job"), type_="check")
        batch_op.drop_constraint(op.f("ck_pending_imports_upload_job_state"), type_="check")
        batch_op.drop_column("outcome")
        batch_op.drop_column("total_rows")
        batch_op.drop_column("job_state")
        batch_op.drop_column("job")
