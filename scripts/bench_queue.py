"""Benchmark: the review queue with a big import waiting, and "Publish all".

Creates N violence drafts through the real bulk import (as researcher A, labelled like a web
upload), then, logged in as researcher B through the real login page, times the queue page,
the import's own page (``?batch=``), its last page, ``/manage/`` and "Publish all" of a second,
smaller import (publishing is one by one: 250,000 would take over an hour). Prints a table.

    .venv/bin/python scripts/bench_queue.py [--rows N] [--publish N] [--database-url URL]
        [--keep] [--explain]

Without ``--database-url`` it uses a new SQLite file in a temporary folder; a PostgreSQL URL
gets a schema of its own, dropped afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_test_data import ACLED_COLUMNS, acled_rows  # noqa: E402
from scratch_schema import postgres_schema  # noqa: E402

SLUG = "bench-queue"
PASSWORD = "bench-password-1234"
BIG = "big.csv into Benchmark process"
SMALL = "small.csv into Benchmark process"


def write_csv(path: Path, count: int, prefix: str) -> None:
    """``count`` ACLED-shaped rows with event ids of their own."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_COLUMNS)
        for number, row in enumerate(acled_rows(count), start=1):
            row["event_id_cnty"] = f"{prefix}{number}"
            writer.writerow([row.get(column, "") for column in ACLED_COLUMNS])


def prepare(app, folder: Path, rows: int, publish: int) -> None:
    """Migrate, add the users and the process, and import both files as A's drafts."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import PeaceProcess, User
    from tracker.services.entry.audit import audit_context
    from tracker.services.entry.guard import changes_become_revisions
    from tracker.services.interchange.csv_import import import_violence_csv
    from tracker.services.interchange.import_log import record_import_event

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        for name in ("a", "b"):
            user = User(
                email=f"{name}@example.org",
                role="researcher",
                display_name=name,
                session_token=secrets.token_hex(16),
            )
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.add(PeaceProcess(slug=SLUG, name="Benchmark process", status="published"))
        db.session.commit()
        author = db.session.scalar(select(User).where(User.email == "a@example.org"))
        process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == SLUG))
        for label, count, prefix in ((BIG, rows, "BIG"), (SMALL, publish, "SMALL")):
            file = folder / f"{prefix}.csv"
            write_csv(file, count, prefix)
            started = time.perf_counter()
            with (
                file.open("rb") as stream,
                audit_context(db.session, action="import", actor=author.email),
                changes_become_revisions(db.session, author.id, label),
            ):
                result = import_violence_csv(stream, process, None, author.id)
                record_import_event("violence", SLUG, file.name, result, author.email)
            db.session.commit()
            print(f"imported {count:,} drafts in {time.perf_counter() - started:.1f} s")


def login(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post(
        "/login", data={"email": "b@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302, "login failed"


def timed(client, method: str, path: str, **kwargs) -> tuple[float, int, str]:
    started = time.perf_counter()
    answer = getattr(client, method)(path, **kwargs)
    seconds = time.perf_counter() - started
    return seconds, answer.status_code, answer.get_data(as_text=True)


def explain(app) -> None:
    """The plans of the queue's counting query on this database."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import User
    from tracker.records.routes_review import REVIEWED_KINDS
    from tracker.services.entry import queue

    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.email == "b@example.org"))
        kind = next(k for k in REVIEWED_KINDS if k.name == "violence")
        query = (
            select(kind.model.import_batch, func.count())
            .where(*queue._drafts(kind, reviewer.id, False))
            .group_by(kind.model.import_batch)
        )
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        with db.engine.connect() as connection:
            for row in connection.exec_driver_sql(prefix + sql):
                print("  ", *row)


def run(url: str, rows: int, publish: int, show_plan: bool) -> None:
    from tracker import create_app
    from tracker.services.entry.trail import ID_SLICE

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True})
    with tempfile.TemporaryDirectory() as folder:
        prepare(app, Path(folder), rows, publish)
    client = app.test_client()
    login(client)
    last = -(-rows // 50)
    results = []
    for name, path in (
        ("queue page", "/manage/review"),
        ("one import, page 1", f"/manage/review?batch={BIG}"),
        (f"one import, page {last:,}", f"/manage/review?batch={BIG}&page={last}"),
        ("/manage/", "/manage/"),
    ):
        seconds, status, _ = timed(client, "get", path)
        results.append((name, seconds, status))
    _, _, page = timed(client, "get", "/manage/review")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    seconds, status, _ = timed(
        client, "post", "/manage/review/batch", data={"csrf_token": token, "batch": SMALL}
    )
    results.append((f"Publish all {publish:,}", seconds, status))
    print(f"\n{rows:,} drafts waiting (+{publish:,} to publish), {url.split(':')[0]}, "
          f"ID_SLICE {ID_SLICE:,}")  # fmt: skip
    print(f"{'measure':<28} {'seconds':>9}  status")
    for name, seconds, status in results:
        print(f"{name:<28} {seconds:>9.3f}  {status}")
    if show_plan:
        explain(app)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250_000, help="drafts in the big import")
    parser.add_argument("--publish", type=int, default=2_000, help="drafts to Publish all")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--explain", action="store_true", help="print the count's query plan")
    options = parser.parse_args()
    if options.database_url:
        url = options.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        scope = contextlib.nullcontext(url) if options.keep else postgres_schema(url, "bench_q")
        with scope as scoped:
            run(scoped, options.rows, options.publish, options.explain)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    run(f"sqlite:///{folder / 'tracker.sqlite3'}", options.rows, options.publish, options.explain)
    if options.keep:
        print(f"kept {folder}")
    else:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
