"""Benchmark: the figures of issue 13 against their anchors, each ratio measured in one run.

Seeds a database (a temporary SQLite file, or --database-url for PostgreSQL) with the demo
process and N ACLED-shaped reports, serves the app with gunicorn (2 workers), and measures the
process page, chart data, the summary and list APIs, the CSV export, the first and second visit,
and a 20-client load, next to the anchors: a static file served by the same server, Datasette's
per-month SQL and table JSON on the same rows (SQLite), and sqlite3's own CSV output.

    .venv/bin/python scripts/bench.py [--rows N] [--database-url URL] [--json FILE]

Datasette runs from its own virtualenv (.bench-venv, made by `make bench`), never the app's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_anchors import (  # noqa: E402
    ALL_EXPORT_COLUMNS,
    Client,
    datasette,
    sqlite_csv_seconds,
    wait_for_port,
)
from bench_browser import free_ports  # noqa: E402
from bench_browser import measure as browser_visits  # noqa: E402
from bench_browser import rows as browser_rows  # noqa: E402
from bench_charts import seed  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.cli import DEMO_BUNDLE  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.services.figures.public import find_process  # noqa: E402
from tracker.services.interchange.bundle_import import import_bundle  # noqa: E402

SLUG = "afghanistan-2020"
PORTS = tuple(free_ports(2))  # the server and Datasette


def prepare(url: str, rows: int) -> int:
    """Migrate, load the demo and seed ``rows`` reports; the process id."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(ROOT / "migrations"))
        import_bundle(json.loads(DEMO_BUNDLE.read_text(encoding="utf-8")))
        db.session.commit()
        process_id = find_process(SLUG).id
        seed(process_id, rows)
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        db.engine.dispose()
    return process_id


def bump(url: str) -> None:
    """A write as far as the cache is concerned: the data version moves on."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE data_version SET version = version + 1"))
    engine.dispose()


def cold(client: Client, url: str, path: str, repeat: int = 5) -> float:
    """Median seconds of the first request after a write."""
    times = []
    for _ in range(repeat):
        bump(url)
        times.append(client.get(path)[3])
    return statistics.median(times)


def asset_paths(page: str) -> list[str]:
    """Stylesheets, scripts and the base map a process page loads."""
    import re

    paths = re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', page)
    folder = re.search(r'data-topojson-url="([^"]+)"', page)
    if folder:
        paths.append(folder.group(1) + "world_110m.json")
    return paths


def load_test(port: int, paths: list[str], clients: int, seconds: float) -> dict:
    """``clients`` threads, each on its own connection, for ``seconds``: errors and p99."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        client = Client(port)
        mine, failed, index = [], 0, offset
        while time.monotonic() < stop:
            try:
                status, _, _, elapsed = client.get(paths[index % len(paths)])
                if status >= 400:
                    failed += 1
                mine.append(elapsed)
            except (OSError, http.client.HTTPException):
                failed += 1
                client = Client(port)
            index += 1
        with lock:
            times.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1] if times else 0.0
    return {"requests": len(times), "errors": errors[0], "p99_s": p99}


def export_seconds(client: Client, path: str, repeat: int = 3) -> tuple[str, float, Client]:
    """The export's name (with its size) and median seconds, and the client to go on with."""
    times, name = [], "violence CSV export"
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            status, body, _, _ = client.get(path, {})
            if status != 200:
                raise http.client.HTTPException(f"HTTP {status}")
            name = f"violence CSV export ({len(body) / 1e6:.1f} MB)"
        except (OSError, http.client.HTTPException) as error:
            client = Client(PORTS[0])
            return f"{name} (failed: {type(error).__name__})", time.perf_counter() - started, client
        times.append(time.perf_counter() - started)
    return name, statistics.median(times), client


def serve(url: str, port: int, access_log: Path) -> subprocess.Popen:
    """gunicorn with 2 workers on the benchmark database."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
            *("--access-logfile", str(access_log)),
            # The worker's pid first: the browser rows wait until both workers served the page.
            *("--access-logformat", '[%(p)s] %(h)s "%(r)s" %(s)s %(b)s', "wsgi:app"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return server


def ratio(value: float | None, anchor: float | None) -> float | None:
    return value / anchor if value is not None and anchor else None


def main() -> int:
    """Seed, serve, measure, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a temporary SQLite)")
    parser.add_argument("--json", default="bench-results.json", help="where to write results")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--load-seconds", type=float, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    anchor_db = folder / "bench.sqlite3"
    anchor_url = f"sqlite:///{anchor_db}"
    url = args.database_url or anchor_url
    try:
        print(f"seeding {args.rows:,} reports ...", flush=True)
        process_id = prepare(anchor_url, args.rows)
        if args.database_url:
            process_id = prepare(url, args.rows)
        access_log = folder / "access.log"
        server = serve(url, PORTS[0], access_log)
        try:
            results = measure(args, url, process_id, anchor_db, access_log)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(results)
    Path(args.json).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwritten to {args.json}")
    return 0


def measure(args, url: str, process_id: int, anchor_db: Path, access_log: Path) -> dict:
    """Every figure and anchor, in one run."""
    client = Client(PORTS[0])
    repeat = args.repeat
    page_path = f"/processes/{SLUG}"
    _, page_body, _, _ = client.get(page_path, {})
    page = page_body.decode()
    assets = asset_paths(page)
    css = next(path for path in assets if "/app." in path)
    static = client.p50(css, repeat * 5)
    anchors = datasette(anchor_db, process_id, PORTS[1], repeat)
    sqlite_csv = statistics.median(sqlite_csv_seconds(anchor_db, process_id) for _ in range(3))
    sqlite_csv_all = statistics.median(
        sqlite_csv_seconds(anchor_db, process_id, ALL_EXPORT_COLUMNS) for _ in range(3)
    )
    summary = f"/api/v1/processes/{SLUG}/violence/summary?interval=month"
    list_first = f"/api/v1/processes/{SLUG}/violence?page=1&per_page=50"
    total = json.loads(client.get(list_first, {})[1])["total"]
    list_deep = f"/api/v1/processes/{SLUG}/violence?page={max(1, total // 50)}&per_page=50"
    export = f"/exports/processes/{SLUG}/violence.csv"
    measured: dict[str, dict] = {}

    def figure(name, value, anchor_name=None, anchor=None, target=None):
        measured[name] = {
            "seconds": value,
            "anchor": anchor_name,
            "anchor_seconds": anchor,
            "ratio": ratio(value, anchor),
            "target_ratio": target,
        }

    figure("process page, warm p50", client.p50(page_path, repeat), "static CSS", static, 3)
    figure(
        "process page, cold (after a write)",
        cold(client, url, page_path),
        "Datasette per-month SQL",
        anchors.get("month_sql_s"),
        1,
    )
    for key in ("progress", "pace", "violence", "riv", "map"):
        path = f"/processes/{SLUG}/charts/{key}.csv"
        if client.get(path)[0] == 200:
            figure(f"{key}.csv, warm p50", client.p50(path, repeat), "static CSS", static, 3)
    figure(
        "summary API (month), warm p50",
        client.p50(summary, repeat),
        "Datasette per-month SQL",
        anchors.get("month_sql_s"),
        1,
    )
    figure(
        "summary API (month), cold",
        cold(client, url, summary),
        "Datasette per-month SQL",
        anchors.get("month_sql_s"),
        1,
    )
    table = anchors.get("table_json_s")
    figure("list API page 1", client.p50(list_first, repeat), "Datasette table JSON", table, 0.5)
    figure("list API deepest page", client.p50(list_deep, repeat), "Datasette table JSON", table)
    name, exported, client = export_seconds(client, export)
    figure(name, exported, "sqlite3 -csv, 12 columns", sqlite_csv, 3)
    figure("violence CSV export, against every column", exported, "sqlite3 -csv, 39 columns",
           sqlite_csv_all)  # fmt: skip
    _, page_compressed, page_headers, _ = client.get(page_path)
    first_visit = len(page_compressed) + sum(len(client.get(path)[1]) for path in assets)
    visit = browser_visits(PORTS[0], access_log, SLUG)
    load = load_test(
        PORTS[0],
        [page_path, summary, list_first, f"{page_path}?interval=month", list_deep],
        20,
        args.load_seconds,
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "rows": args.rows,
        "anchors": {
            "static_css_s": static,
            "sqlite3_csv_s": sqlite_csv,
            "sqlite3_csv_all_columns_s": sqlite_csv_all,
            **anchors,
        },
        "figures": measured,
        "first_visit_bytes": first_visit,
        "page_compressed": page_headers.get("Content-Encoding"),
        "browser": visit,
        "load": load,
    }


def report(results: dict) -> None:
    """The table, as printed and as in the README."""
    print(
        f"\n{results['rows']:,} reports on {results['database']}, {results['machine']}, "
        f"{results['date']}\n"
    )
    print("| measure | time | anchor (same run) | ratio | target |")
    print("|---|---|---|---|---|")
    for name, item in results["figures"].items():
        anchor = (
            f"{item['anchor']} {item['anchor_seconds'] * 1000:.2f} ms"
            if item["anchor_seconds"]
            else (item["anchor"] or "-")
        )
        value = f"{item['seconds'] * 1000:.1f} ms"
        got = f"{item['ratio']:.2f}x" if item["ratio"] is not None else "-"
        target = f"<= {item['target_ratio']}x" if item["target_ratio"] else "-"
        print(f"| {name} | {value} | {anchor} | {got} | {target} |")
    kb = results["first_visit_bytes"] / 1e6
    print(f"| first visit, bytes transferred | {kb:.2f} MB | - | - | <= 1.6 MB |")
    for name, value, target in browser_rows(results["browser"]):
        print(f"| {name} | {value} | - | - | {target} |")
    load = results["load"]
    print(
        f"| 20 clients, {load['requests']:,} requests | p99 {load['p99_s'] * 1000:.0f} ms, "
        f"{load['errors']} errors | - | - | p99 <= 250 ms, 0 errors |"
    )


if __name__ == "__main__":
    sys.exit(main())
