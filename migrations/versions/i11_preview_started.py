"""Mark when an upload's preview started, so a preview that stopped a worker is not run again

Revision ID: i11_preview_started
Revises: i12_external_datasets
Create Date: 2026-11-27 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i11_preview_started'
down_revision = 'i12_external_datasets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview_started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_imports', schema=None) as batch_op:
        batch_op.drop_column('preview_started_at')
