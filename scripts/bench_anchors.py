"""Benchmark helpers: a timing HTTP client, and the anchors every figure of ``make bench`` is
compared with in the same run: sqlite3's own CSV output of the export's rows, and Datasette's
per-month SQL and table JSON on the same SQLite rows (Datasette from its own virtualenv)."""

from __future__ import annotations

import http.client
import socket
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

from tracker.services.interchange.violence_formats import COLUMNS as VIOLENCE_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
BENCH_VENV = ROOT / ".bench-venv"
ACCEPT = {"Accept-Encoding": "br, gzip"}
# Columns for sqlite3's own CSV output of the export's rows: a dozen of the export's columns
# (the anchor of issue 13's table), and every column of the table that the export writes.
EXPORT_COLUMNS = (
    "event_id_cnty, event_date, time_precision, event_type, sub_event_type, actor1, actor2, "
    "location, latitude, longitude, fatalities, notes"
)
MADE = ("claimed_by", "denied_by", "source_url", "claims")  # from claims and sources
ALL_EXPORT_COLUMNS = ", ".join(name for name in VIOLENCE_COLUMNS if name not in MADE)


def wait_for_port(port: int, timeout: float = 60) -> None:
    """Block until something listens on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


class Client:
    """One keep-alive HTTP connection that times whole responses."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes, dict, float]:
        started = time.perf_counter()
        self.connection.request("GET", path, headers=ACCEPT if headers is None else headers)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        return response.status, body, dict(response.getheaders()), elapsed

    def p50(self, path: str, repeat: int) -> float:
        """Median seconds of ``repeat`` requests after one warm-up."""
        status, *_ = self.get(path)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        return statistics.median(self.get(path)[3] for _ in range(repeat))


def sqlite_csv_seconds(path: Path, process_id: int, columns: str = EXPORT_COLUMNS) -> float:
    """sqlite3's own CSV output of the export's rows (``columns`` of them)."""
    sql = (
        f"SELECT {columns} FROM violence_reports WHERE process_id = {process_id} "
        "AND status = 'published' ORDER BY event_date, id"
    )
    started = time.perf_counter()
    subprocess.run(
        ["sqlite3", "-csv", "-header", str(path), sql], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def datasette(path: Path, process_id: int, port: int, repeat: int) -> dict:
    """Datasette's per-month SQL and table JSON on the same SQLite rows (its own venv)."""
    binary = BENCH_VENV / "bin" / "datasette"
    if not binary.exists():
        return {}
    server = subprocess.Popen(
        [str(binary), "serve", str(path), "--port", str(port), "--setting", "num_sql_threads", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        client = Client(port)
        name = path.stem
        sql = (
            "select substr(event_date, 1, 7) || '-01' as start, count(*) as events, "
            "sum(fatalities) as fatalities from violence_reports where process_id = "
            f"{process_id} and status = 'published' group by start order by start"
        )
        month = f"/{name}.json?" + urlencode({"sql": sql})
        table = f"/{name}/violence_reports.json?" + urlencode(
            {"process_id": process_id, "status": "published", "_size": 50}
        )
        return {"month_sql_s": client.p50(month, repeat), "table_json_s": client.p50(table, repeat)}
    finally:
        server.terminate()
        server.wait(timeout=10)
