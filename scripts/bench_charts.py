"""Benchmark: every dashboard chart at 100,000 violence reports.

Seeds a temporary SQLite database (the real migrations, the demo process, then 100,000 reports
inserted with one Core ``insert()``), builds each chart the way the page does and prints its
JSON size and build time. Exits non-zero when a chart's JSON reaches 200 KB.

    .venv/bin/python scripts/bench_charts.py [--reports N] [--interval day|week|month]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.cli import DEMO_BUNDLE  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import ViolenceReport  # noqa: E402
from tracker.models.base import ACLED_EVENT_TYPES  # noqa: E402
from tracker.services.dashboard import assemble as dashboard  # noqa: E402
from tracker.services.figures.public import find_process  # noqa: E402
from tracker.services.interchange.bundle_import import import_bundle  # noqa: E402

LIMIT_BYTES = 200 * 1024
START = date(2020, 1, 1)
DAYS = 3 * 365
SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def seed(process_id: int, count: int) -> None:
    """Insert ``count`` published reports spread over three years across Afghanistan."""
    chooser = random.Random(2020)
    types = list(ACLED_EVENT_TYPES)
    rows = []
    for number in range(count):
        event_type = chooser.choice(types)
        rows.append(
            {
                "process_id": process_id,
                "event_id_cnty": f"BENCH{number}",
                "event_date": START + timedelta(days=chooser.randrange(DAYS)),
                "time_precision": 1,
                "event_type": event_type,
                "sub_event_type": ACLED_EVENT_TYPES[event_type][0],
                "actor1": chooser.choice(("Taliban", "Military Forces of Afghanistan", "ISKP")),
                "location": f"Place {number % 5000}",
                "latitude": round(chooser.uniform(29.5, 38.4), 4),
                "longitude": round(chooser.uniform(60.6, 74.8), 4),
                "fatalities": chooser.choice((0, 0, 0, 1, 2, 3, 5, 10)),
                "status": "published",
                "verification": "reported",
                "version": 1,
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            }
        )
    db.session.execute(insert(ViolenceReport), rows)
    db.session.commit()


def main() -> int:
    """Seed, build every chart, print sizes and times; non-zero if one is too big."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--interval", default="day", choices=("day", "week", "month"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            import_bundle(json.loads(DEMO_BUNDLE.read_text(encoding="utf-8")))
            db.session.commit()
            process = find_process("afghanistan-2020")
            started = time.perf_counter()
            seed(process.id, args.reports)
            print(f"seeded {args.reports:,} reports in {time.perf_counter() - started:.2f} s")
            params = dashboard.parse_params({"interval": args.interval})
            too_big = []
            for key in dashboard.BUILDERS:
                board = dashboard.Dashboard(process, params)  # fresh: no shared cached inputs
                started = time.perf_counter()
                chart = board.chart(key)
                size = len(json.dumps(chart.figure, separators=(",", ":"))) if chart else 0
                elapsed = time.perf_counter() - started
                rows = len(chart.rows) if chart else 0
                print(f"{key:9} {size / 1024:8.1f} KB  {elapsed * 1000:8.0f} ms  {rows:6,} rows")
                if size >= LIMIT_BYTES:
                    too_big.append(key)
            if too_big:
                print(f"over 200 KB: {', '.join(too_big)}")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
