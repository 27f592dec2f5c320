"""Benchmark: a process page's first and return visits in headless Chromium (Playwright).

Both gunicorn workers serve the page before anything is timed (each line of the access log
names its worker's pid). Then one throwaway first visit and five measured ones, each in a fresh
browser context, timed in the page from navigation start: when plotly.js has been evaluated
(``window.Plotly`` assigned), when the first chart and every chart carry ``data-drawn``, and the
longest main-thread task (PerformanceObserver "longtask"). Then three return visits on a
persistent profile, the browser restarted before each, counting the requests that reach the
server other than the page itself (0 when every asset is cached as immutable).

``scripts/bench.py`` calls ``measure``; alone, this script seeds a SQLite file (kept with
``--folder`` for the next run), serves it with gunicorn (2 workers) on a free port and prints the
rows:

    .venv/bin/python scripts/bench_browser.py [--rows N] [--folder DIR] [--anchor map]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--use-gl=swiftshader"]
FIRST_VISITS = 5
RETURN_VISITS = 3
# Installed before any script of the page runs: the probes every figure is read from.
PROBES = """(() => {
  const probe = window.__bench = { drawn: {}, plotly: null, tasks: [] };
  let plotly;
  Object.defineProperty(window, 'Plotly', { configurable: true,
    get() { return plotly; },
    set(value) {
      plotly = value;
      if (probe.plotly === null) { probe.plotly = performance.now(); }
    } });
  new MutationObserver(records => {
    for (const record of records) {
      const id = record.target.id;
      if (record.target.dataset.drawn && !(id in probe.drawn)) {
        probe.drawn[id] = performance.now();
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
  try {
    new PerformanceObserver(list => {
      for (const task of list.getEntries()) { probe.tasks.push([task.startTime, task.duration]); }
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) { probe.tasks = null; }
})();"""
EVERY_CHART_DRAWN = (
    "() => document.querySelectorAll('.chart[data-figure]').length > 0 && "
    "document.querySelectorAll('.chart[data-figure]:not([data-drawn])').length === 0"
)


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on now (held together, so they differ)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for held in sockets:
            held.bind(("127.0.0.1", 0))
        return [held.getsockname()[1] for held in sockets]
    finally:
        for held in sockets:
            held.close()


def warm_workers(base: str, path: str, access_log: Path, workers: int = 2) -> int:
    """Request the page (new connection each time) until every worker has served it."""
    pid = re.compile(r"^\[<(\d+)>\]")
    for attempt in range(1, 200):
        with urllib.request.urlopen(base + path, timeout=120) as response:
            response.read()
        time.sleep(0.02)  # gunicorn writes the line after the answer
        seen = {
            match.group(1)
            for line in access_log.read_text().splitlines()
            if path in line and (match := pid.match(line))
        }
        if len(seen) >= workers:
            return attempt
    raise RuntimeError(f"only {len(seen)} of {workers} workers served {path}")


def first_visit(browser, url: str) -> dict:
    """One first visit in a fresh context: seconds from navigation start, and the longest task."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBES)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(EVERY_CHART_DRAWN, timeout=120_000, polling=50)
    page.wait_for_timeout(100)  # a long task is reported once it has ended
    probe = page.evaluate("window.__bench")
    failed = page.locator(".chart[data-drawn='error']").count()
    context.close()
    drawn = sorted(probe["drawn"].values())
    tasks = probe["tasks"]
    # Tasks that start after plotly.js was evaluated: drawing the charts.
    drawing = [duration for start, duration in tasks or [] if start > (probe["plotly"] or 0)]
    return {
        "plotly_evaluated_s": probe["plotly"] / 1000 if probe["plotly"] is not None else None,
        "first_chart_drawn_s": drawn[0] / 1000,
        "charts_drawn_s": drawn[-1] / 1000,
        "longest_task_ms": None if tasks is None else max((d for _, d in tasks), default=0),
        "longest_drawing_task_ms": None if tasks is None else max(drawing, default=0),
        "tasks": tasks,
        "drawn_order": sorted(probe["drawn"], key=probe["drawn"].get),
        "failed_charts": failed,
    }


def return_visits(playwright, url: str, access_log: Path, page_path: str) -> list[list[str]]:
    """Requests other than the page's that reach the server on each return visit."""
    profile = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    visits = []
    try:
        for number in range(RETURN_VISITS + 1):
            seen = len(access_log.read_text().splitlines())
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": 1280, "height": 900},
            )
            page = context.new_page()
            page.goto(url)
            page.wait_for_function(EVERY_CHART_DRAWN, timeout=120_000, polling=100)
            page.wait_for_timeout(500)
            context.close()  # the browser restarts: only its disk cache is left
            if number:  # the first visit fills the cache
                lines = access_log.read_text().splitlines()[seen:]
                visits.append([line for line in lines if page_path + " " not in line])
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return visits


def load_average() -> float:
    return os.getloadavg()[0]


def measure(port: int, access_log: Path, slug: str, anchor: str = "") -> dict:
    """The browser rows of the benchmark; {} without Playwright or Debian's Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if not CHROMIUM.exists():
        return {}
    base = f"http://127.0.0.1:{port}"
    page_path = f"/processes/{slug}"
    url = base + page_path + (f"#{anchor}" if anchor else "")
    warm_workers(base, page_path, access_log)
    load_before = load_average()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        first_visit(browser, url)  # throwaway: the server's and the OS's caches settle
        visits = [first_visit(browser, url) for _ in range(FIRST_VISITS)]
        browser.close()
        returns = return_visits(playwright, url, access_log, page_path)

    def median(key: str) -> float | None:
        values = [visit[key] for visit in visits if visit[key] is not None]
        return statistics.median(values) if values else None

    return {
        "anchor": anchor,
        "plotly_evaluated_s": median("plotly_evaluated_s"),
        "first_chart_drawn_s": median("first_chart_drawn_s"),
        "charts_drawn_s": median("charts_drawn_s"),
        "longest_task_ms": median("longest_task_ms"),
        "longest_drawing_task_ms": median("longest_drawing_task_ms"),
        "first_visits": visits,
        "second_visit_requests": max(returns, key=len) if returns else [],
        "return_visit_requests": [len(visit) for visit in returns],
        "load_average": [load_before, load_average()],
    }


def rows(visit: dict) -> list[tuple[str, str, str]]:
    """(measure, value, target) rows for the table."""
    if not visit:
        return []

    def seconds(key: str) -> str:
        values = [item[key] for item in visit["first_visits"] if item[key] is not None]
        if not values:
            return "-"
        return f"{visit[key]:.2f} s (median of {len(values)}, {min(values):.2f}-{max(values):.2f})"

    def milliseconds(key: str) -> str:
        return f"{visit[key]:.0f} ms" if visit.get(key) is not None else "-"

    load = visit["load_average"]
    where = f" (#{visit['anchor']})" if visit.get("anchor") else ""
    return [
        (f"first visit{where}, plotly.js evaluated", seconds("plotly_evaluated_s"), "-"),
        (f"first visit{where}, first chart drawn", seconds("first_chart_drawn_s"), "-"),
        (f"first visit{where}, every chart drawn", seconds("charts_drawn_s"), "<= 1 s"),
        (f"first visit{where}, longest main-thread task", milliseconds("longest_task_ms"), "-"),
        (
            f"first visit{where}, longest task after plotly.js evaluated",
            milliseconds("longest_drawing_task_ms"),
            "-",
        ),
        (
            "return visits, asset requests",
            ", ".join(str(count) for count in visit["return_visit_requests"]),
            "0",
        ),
        ("load average (1 min) before and after", f"{load[0]:.2f}, {load[1]:.2f}", "-"),
    ]


def main() -> int:
    """Seed (or reuse) a SQLite file, serve it, print the browser rows."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import SLUG, prepare, serve

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--folder", help="keep the seeded database here for the next run")
    parser.add_argument("--anchor", default="", help="open the page at this #anchor")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="tracker-bench-browser-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"bench-{args.rows}.sqlite3"
    url = f"sqlite:///{database}"
    try:
        if not database.exists():
            print(f"seeding {args.rows:,} reports ...", flush=True)
            prepare(url, args.rows)
        access_log = folder / "access.log"
        access_log.unlink(missing_ok=True)
        (port,) = free_ports(1)
        server = serve(url, port, access_log)
        try:
            visit = measure(port, access_log, SLUG, args.anchor)
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    for name, value, target in rows(visit):
        print(f"| {name} | {value} | {target} |")
    if visit:
        orders = {" > ".join(item["drawn_order"]) for item in visit["first_visits"]}
        print("drawn in order:", *sorted(orders), sep="\n  ")
    if args.json:
        Path(args.json).write_text(json.dumps(visit, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
