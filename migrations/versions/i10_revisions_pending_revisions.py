"""Pending revisions: a published record keeps its public version while an edit waits

Before this, editing a published record set it back to under_review, which took it off the
public pages until someone published it again. Such records are moved to the new model here:
their row gets back the values of their last published version (replayed from the audit
trail), status published, and their current values become their pending revision, written by
the users who changed them since. Sources, claims and signatories stay as they are on the
row (the audit trail does not keep their full past state) and are part of the revision too.

Revision ID: i10_revisions
Revises: i13_data_version_indexes
Create Date: 2026-11-27 18:45:00

"""

from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "i10_revisions"
down_revision = "i13_data_version_indexes"
branch_labels = None
depends_on = None

# (table, audit entity name, source link table, has claims, has signatories)
REVIEWED = (
    ("peace_processes", "process", None, False, False),
    ("agreements", "agreement", "agreement_sources", False, True),
    ("commitments", "commitment", None, False, False),
    ("milestones", "milestone", "milestone_sources", False, False),
    ("release_records", "release_record", "release_record_sources", False, False),
    ("violence_reports", "violence_report", "violence_report_sources", True, False),
)
BOOKKEEPING = {"id", "status", "created_by_id", "created_at", "updated_at", "version"}


def upgrade():
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "under_review",
                "published",
                "archived",
                name="review_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("author_ids", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch", sa.String(length=300), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_revisions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
        sa.UniqueConstraint("entity_type", "entity_id", name=op.f("uq_revisions_entity_type_entity_id")),
    )
    move_bounced_records(op.get_bind())


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _column_value(column, value):
    """An audit value (JSON) back to what the column stores."""
    if value is None:
        return None
    if isinstance(column.type, sa.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def move_bounced_records(bind) -> None:
    """Records under review that were published before: published version back, edit pending."""
    meta = sa.MetaData()
    audit = sa.Table("audit_events", meta, autoload_with=bind)
    revisions = sa.Table("revisions", meta, autoload_with=bind)
    now = datetime.now(timezone.utc)
    for table_name, entity, link_name, has_claims, has_signatories in REVIEWED:
        table = sa.Table(table_name, meta, autoload_with=bind)
        fields = [c for c in table.columns if c.name not in BOOKKEEPING]
        rows = bind.execute(sa.select(table).where(table.c.status == "under_review")).mappings()
        for row in list(rows):
            events = bind.execute(
                sa.select(audit.c.action, audit.c.user_id, audit.c.changes)
                .where(audit.c.entity_type == entity, audit.c.entity_id == row["id"])
                .order_by(audit.c.id)
            ).all()
            published_at = [i for i, e in enumerate(events) if e.action == "publish"]
            if not published_at:
                continue  # a draft, never published: nothing public to keep
            last = published_at[-1]
            state = {}
            for event in events[: last + 1]:
                for name, change in (event.changes or {}).items():
                    if isinstance(change, dict):
                        state[name] = change.get("after")
            authors = sorted({e.user_id for e in events[last + 1 :] if e.user_id is not None})
            values = {c.name: _jsonable(row[c.name]) for c in fields}
            if link_name:
                link = sa.Table(link_name, meta, autoload_with=bind)
                sources = sa.Table("sources", meta, autoload_with=bind)
                key = next(c for c in link.columns if c.name != "source_id")
                values["sources"] = [
                    {"url": s.url, "publisher": s.publisher or "", "title": s.title or ""}
                    for s in bind.execute(
                        sa.select(sources.c.url, sources.c.publisher, sources.c.title)
                        .join(link, link.c.source_id == sources.c.id)
                        .where(key == row["id"])
                        .order_by(sources.c.id)
                    )
                ]
            if has_claims:
                values["claims"] = _claims(bind, meta, row["id"])
            if has_signatories:
                signatories = sa.Table("agreement_signatories", meta, autoload_with=bind)
                values["signatories"] = [
                    r.party_id
                    for r in bind.execute(
                        sa.select(signatories.c.party_id)
                        .where(signatories.c.agreement_id == row["id"])
                        .order_by(signatories.c.party_id)
                    )
                ]
            published = {
                c.name: _column_value(c, state[c.name]) for c in fields if c.name in state
            }
            bind.execute(
                table.update()
                .where(table.c.id == row["id"])
                .values(**published, status="published", version=row["version"] + 1)
            )
            bind.execute(
                revisions.insert().values(
                    entity_type=entity,
                    entity_id=row["id"],
                    values=values,
                    status="published",
                    base_version=row["version"] + 1,
                    author_ids=authors,
                    created_by_id=authors[0] if authors else None,
                    created_at=now,
                    updated_at=now,
                    batch="",
                    warnings=[],
                    comment="",
                    version=1,
                )
            )


def _claims(bind, meta, report_id: int) -> list[dict]:
    claims = sa.Table("claims", meta, autoload_with=bind)
    claim_sources = sa.Table("claim_sources", meta, autoload_with=bind)
    sources = sa.Table("sources", meta, autoload_with=bind)
    result = []
    for claim in bind.execute(
        sa.select(claims).where(claims.c.violence_report_id == report_id).order_by(claims.c.id)
    ).mappings():
        urls = bind.execute(
            sa.select(sources.c.url)
            .join(claim_sources, claim_sources.c.source_id == sources.c.id)
            .where(claim_sources.c.claim_id == claim["id"])
            .order_by(sources.c.id)
        ).scalars()
        # Shaped by the claim rules, as the entry forms give claims.
        result.append(
            {
                "actor": claim["actor"],
                "stance": claim["stance"],
                "date": _jsonable(claim["stated_on"]),
                "notes": claim["notes"] or "",
                "source_url": list(urls),
            }
        )
    return result


def downgrade():
    # Pending edits go back onto their records, as under review (the old model).
    bind = op.get_bind()
    meta = sa.MetaData()
    revisions = sa.Table("revisions", meta, autoload_with=bind)
    for table_name, entity, *_ in REVIEWED:
        table = sa.Table(table_name, meta, autoload_with=bind)
        columns = {c.name: c for c in table.columns if c.name not in BOOKKEEPING}
        for pending in bind.execute(
            sa.select(revisions).where(revisions.c.entity_type == entity)
        ).mappings():
            values = {
                name: _column_value(columns[name], value)
                for name, value in (pending["values"] or {}).items()
                if name in columns
            }
            bind.execute(
                table.update()
                .where(table.c.id == pending["entity_id"])
                .values(**values, status="under_review")
            )
    op.drop_table("revisions")
