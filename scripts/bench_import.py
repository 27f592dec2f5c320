"""Benchmark: a bulk CSV import of violence reports, then a re-import of the same file.

Writes N ACLED-shaped rows (default 100,000) to a temporary CSV, with a few of our own columns
on some rows so every path is taken: ``source_url`` (200 distinct URLs), ``claimed_by``, and
rows without ``event_id_cnty`` (matched by date, place, type and actor). Then imports it the
way ``flask import violence`` does (one transaction, audit events, the summary event) into a
fresh database, and imports it again (everything unchanged). The raw anchor, measured in the
same run, loads the same file into a table of text columns without any check (``sqlite3``'s
``executemany``, or COPY on PostgreSQL as ``psql \\copy`` does); the ratios and the database's
size against that table's are printed last. Each run happens in its own
Python process (started from a parent that stays small), so the peak memory printed is that
run's own.

    .venv/bin/python scripts/bench_import.py [--rows N] [--database-url URL]

Without ``--database-url`` the database is a temporary SQLite file. With a PostgreSQL URL the
script works in a schema of its own (created, migrated, and dropped at the end), so it can
point at any database the user may create schemas in.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from make_test_data import ACLED_COLUMNS, acled_rows  # noqa: E402
from scratch_schema import postgres_schema  # noqa: E402

EXTRA_COLUMNS = ["source_url", "claimed_by"]
SLUG = "bench-import"


def write_csv(path: Path, count: int) -> None:
    """``count`` ACLED rows; every 5th cites a URL, every 7th a claim, every 50th has no id."""
    rows = acled_rows(count, seed=2020)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ACLED_COLUMNS + EXTRA_COLUMNS)
        for number, row in enumerate(rows, start=1):
            if number % 5 == 0:
                row["source_url"] = f"https://news.example.org/afghanistan/{number % 200}"
            if number % 7 == 0:
                row["claimed_by"] = row["actor1"]
            if number % 50 == 0:
                # Matched by its natural key on re-import: make that key unique in the file.
                row["event_id_cnty"] = ""
                row["location"] = f"{row['location']} district {number}"
            writer.writerow([row.get(column, "") for column in ACLED_COLUMNS + EXTRA_COLUMNS])


def make_app(url: str):
    """The application on the benchmark database (quiet, no request context)."""
    from tracker import create_app

    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})


def prepare(url: str) -> None:
    """Migrate the database to head and add the process the rows go into."""
    from flask_migrate import upgrade

    from tracker.extensions import db
    from tracker.models import PeaceProcess

    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.add(PeaceProcess(slug=SLUG, name="Benchmark process", status="published"))
        db.session.commit()


def run_import(url: str, file: Path) -> dict:
    """One import as the CLI does it; the counts, seconds and this process's peak memory."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import PeaceProcess
    from tracker.services.entry.audit import audit_context
    from tracker.services.interchange.csv_import import import_violence_csv
    from tracker.services.interchange.import_log import record_import_event

    app = make_app(url)
    with app.app_context():
        process = db.session.scalar(select(PeaceProcess).where(PeaceProcess.slug == SLUG))
        actor = f"cli import {file.name}"
        started = time.perf_counter()
        with file.open("rb") as stream, audit_context(db.session, action="import", actor=actor):
            result = import_violence_csv(stream, process)
            record_import_event("violence", SLUG, file.name, result, actor)
            db.session.commit()
        seconds = time.perf_counter() - started
    # ru_maxrss is in kilobytes on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = result.counts
    return {
        "rows": result.rows,
        "added": counts.added,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "seconds": seconds,
        "peak_mb": peak_mb,
    }


def raw_anchor(url: str, file: Path) -> dict:
    """The raw limit, same rows: the CSV into a table of text columns, no checks. On SQLite
    the ``sqlite3`` module's ``executemany`` (into a file of its own); on PostgreSQL a COPY
    FROM STDIN through psycopg 3, as ``psql \\copy`` does. Seconds and the table's size."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" text' for name in header)
    if url.startswith("sqlite"):
        import sqlite3

        path = Path(url.removeprefix("sqlite:///")).with_name("raw.sqlite3")
        started = time.perf_counter()
        connection = sqlite3.connect(path)
        connection.execute(f"CREATE TABLE raw ({columns})")
        marks = ", ".join("?" * len(header))
        with file.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)
            with connection:
                connection.executemany(f"INSERT INTO raw VALUES ({marks})", rows)
        seconds = time.perf_counter() - started
        connection.close()
        return {"seconds": seconds, "mb": path.stat().st_size / 1048576}
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql")
    dsn = plain.render_as_string(hide_password=False)
    with psycopg.connect(dsn) as connection:
        connection.execute("DROP TABLE IF EXISTS raw_anchor")
        connection.execute(f"CREATE TABLE raw_anchor ({columns})")
        connection.commit()
        started = time.perf_counter()
        statement = "COPY raw_anchor FROM STDIN (FORMAT csv, HEADER true)"
        with (
            connection.cursor() as cursor,
            file.open("rb") as handle,
            cursor.copy(statement) as copy,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        connection.commit()
        seconds = time.perf_counter() - started
        size = connection.execute("SELECT pg_total_relation_size('raw_anchor')").fetchone()[0]
        connection.execute("DROP TABLE raw_anchor")
    return {"seconds": seconds, "mb": size / 1048576}


def database_mb(url: str) -> float:
    """The tracker database's size: the SQLite file (WAL folded in), or every table of the
    schema on PostgreSQL (indexes and TOAST included)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
            return Path(url.removeprefix("sqlite:///")).stat().st_size / 1048576
        size = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar()
    engine.dispose()
    return float(size or 0) / 1048576


def child(phase: str, url: str, file: str) -> int:
    """Run one phase in this (fresh) process and print its result as JSON."""
    if phase == "anchor":
        print(json.dumps(raw_anchor(url, Path(file))))
    elif phase == "size":
        print(json.dumps({"mb": database_mb(url)}))
    elif phase == "write":
        write_csv(Path(file), int(url))
        print(json.dumps({}))
    elif phase == "prepare":
        prepare(url)
        print(json.dumps({}))
    else:
        print(json.dumps(run_import(url, Path(file))))
    return 0


def run_phase(phase: str, url: str, file: Path) -> dict:
    """Run a phase in a child process; its JSON result."""
    completed = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--database-url", url, "--file", str(file)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def report(label: str, result: dict) -> None:
    """One line per run: rows/s, seconds, peak memory, counts."""
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    print(
        f"{label:9} {result['rows']:>8,} rows  {result['seconds']:7.1f} s  {rate:8,.0f} rows/s  "
        f"peak {result['peak_mb']:6.0f} MB  ({result['added']:,} added, "
        f"{result['updated']:,} updated, {result['unchanged']:,} unchanged)"
    )


def main() -> int:
    """Generate the file, import it, import it again; print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite)")
    parser.add_argument(
        "--phase", choices=("write", "prepare", "import", "anchor", "size"), help=argparse.SUPPRESS
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return child(args.phase, args.database_url, args.file)
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        file = Path(folder) / "bench.csv"
        started = time.perf_counter()
        # In a child too: Linux counts a parent's memory at fork in the child's peak, so the
        # parent must never hold the generated rows.
        run_phase("write", str(args.rows), file)
        size = file.stat().st_size / 1048576
        print(f"wrote {args.rows:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s")
        if args.database_url:
            url = stack.enter_context(postgres_schema(args.database_url, "bench_import"))
            where = "PostgreSQL"
        else:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            where = "SQLite"
        run_phase("prepare", url, file)
        print(f"database: {where}")
        anchor = run_phase("anchor", url, file)
        first = run_phase("import", url, file)
        report("import", first)
        again = run_phase("import", url, file)
        report("re-import", again)
        size = run_phase("size", url, file)["mb"]
        raw = "sqlite3 executemany" if where == "SQLite" else "COPY (psql \\copy)"
        print(f"raw anchor ({raw}): {anchor['seconds']:.2f} s, table {anchor['mb']:.1f} MB")
        print(
            f"ratios: import {first['seconds'] / anchor['seconds']:.1f}x, "
            f"re-import {again['seconds'] / anchor['seconds']:.1f}x, "
            f"database {size:.1f} MB = {size / anchor['mb']:.1f}x the raw table"
        )
        if first["added"] != first["rows"] or again["unchanged"] != again["rows"]:
            print("unexpected counts: every row should be added, then unchanged")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
