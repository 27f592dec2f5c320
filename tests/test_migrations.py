"""The migrated schema matches the models: no drift between Alembic and SQLAlchemy."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.extensions import db


def test_migrations_match_the_models(ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_database_is_at_the_single_head_revision(ctx):
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    heads = script.get_heads()
    assert len(heads) == 1
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert tuple(current) == tuple(heads)


def test_i16_gives_drafts_already_waiting_the_label_of_their_import(tmp_path):
    """Drafts imported before i16 take their import's label: from a bulk import event (ids as
    runs) or from a per-record import event; published records and hand-entered drafts none.
    Going down and up again on SQLite keeps every record: batch mode copies tables, and the
    migrations run with foreign keys off, so dropping the old table cascades to nothing."""
    from datetime import date

    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tests import factories
    from tracker import create_app
    from tracker.models import AuditEvent
    from tracker.models.base import utcnow

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'i16.db'}"})
    with app.app_context():
        upgrade()
        process = factories.process()
        on = date(2020, 4, 9)
        bulk = [factories.violence(process, on, status="under_review") for _ in range(3)]
        single = factories.violence(process, on, status="under_review")
        by_hand = factories.violence(process, on, status="under_review")
        published = factories.violence(process, on)
        db.session.flush()
        first, last = bulk[0].id, bulk[-1].id

        def bulk_event(batch: str, runs: list) -> tuple:
            return ("import", None, {"records": "violence_report", "batch": batch, "ids": runs})

        events = [
            bulk_event("big.csv", [[first, last]]),
            ("violence_report", single.id, {"batch": {"before": None, "after": "old.csv"}}),
            bulk_event("all.csv", [[published.id, published.id]]),
        ]
        for entity_type, entity_id, changes in events:
            db.session.add(
                AuditEvent(
                    occurred_at=utcnow(),
                    action="import",
                    entity_type=entity_type,
                    entity_id=entity_id,
                    changes=changes,
                )
            )
        db.session.commit()
        ids = [*(r.id for r in bulk), single.id, by_hand.id, published.id]
        downgrade(revision="i13_upload_jobs")
        upgrade()
        with db.engine.connect() as connection:
            labels = dict(
                connection.execute(text("SELECT id, import_batch FROM violence_reports")).all()
            )
        db.engine.dispose()
    assert [labels[record_id] for record_id in ids] == ["big.csv"] * 3 + ["old.csv", None, None]
