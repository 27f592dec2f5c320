"""The violence CSV export streams in a number of queries that does not grow with the rows."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import date, timedelta

from sqlalchemy import event

from tests import factories
from tracker.extensions import db
from tracker.models import Claim


def seed(app, slug: str, count: int) -> None:
    """A process with ``count`` reports, each with a source and a claim and a denial (sourced)."""
    with app.app_context():
        process = factories.process(slug=slug)
        for number in range(count):
            report = factories.violence(process, date(2020, 3, 1) + timedelta(days=number % 300))
            report.sources = [factories.source(f"https://example.org/{slug}/{number}")]
            for stance, actor in (("claimed", "ISKP"), ("denied", "Taliban")):
                claim = Claim(actor=actor, stance=stance, report=report)
                claim.sources = [factories.source(f"https://example.org/{slug}/{number}/{stance}")]
                db.session.add(claim)
        db.session.commit()


@contextlib.contextmanager
def counted_queries(app):
    """Count the SQL statements run inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def export(client, slug: str) -> list[dict]:
    """The public violence export of a process, as rows."""
    response = client.get(f"/exports/processes/{slug}/violence.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_queries_do_not_grow_with_rows(app, client):
    seed(app, "small", 10)
    seed(app, "large", 100)
    export(client, "small")  # warm-up: the first request loads settings and the like
    with counted_queries(app) as small_queries:
        small_rows = export(client, "small")
    with counted_queries(app) as large_queries:
        large_rows = export(client, "large")
    assert len(small_rows) == 10 and len(large_rows) == 100
    assert {row["claimed_by"] for row in large_rows} == {"ISKP"}
    assert {row["denied_by"] for row in large_rows} == {"Taliban"}
    assert len(large_queries) == len(small_queries), large_queries
