"""Two researchers edit the same 50 records at once, through the forms, on two gunicorn hosts
against one PostgreSQL database: no field lost, every conflict reported, no 5xx.

    .venv/bin/python scripts/concurrent_edits.py --database-url postgresql://postgres@127.0.0.1/DB

The script works in a PostgreSQL schema of its own (created, migrated, dropped at the end),
starts two gunicorn hosts (2 workers each) on two ports, and runs researcher A against the
first host and researcher B against the second. For every record both open the edit form,
wait for each other, then save: A changes the count, B the notes, and on every fifth record
B changes the count too. Half the records are published (an edit becomes a pending revision),
half are drafts (edited in place). A save that meets the other's change is merged three ways
when the two changed different fields; when both changed the count the page asks which value
to keep, and the script keeps its own. At the end every record must hold A's count (or, where
both changed it, the value of whoever chose last) and B's notes.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch_schema import postgres_schema  # noqa: E402

RECORDS = 50
PASSWORD = "two researchers at once"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(url: str) -> list[int]:
    """Migrate, add the two researchers and 50 release records (half published)."""
    from datetime import date, timedelta

    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Agreement, Commitment, PeaceProcess, ReleaseRecord, User

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        for email in ("a@example.org", "b@example.org"):
            user = User(email=email, role="researcher", session_token=secrets.token_hex(16))
            user.set_password(PASSWORD)
            db.session.add(user)
        process = PeaceProcess(slug="concurrent", name="Concurrent edits", status="published")
        agreement = Agreement(process=process, key="doha", title="Agreement", status="published")
        commitment = Commitment(
            agreement=agreement,
            key="releases",
            kind="prisoner_release",
            description="Releases",
            target=1_000_000,
            unit="prisoners",
            status="published",
        )
        db.session.add_all([process, agreement, commitment])
        db.session.flush()
        records = [
            ReleaseRecord(
                commitment_id=commitment.id,
                date=date(2020, 4, 1) + timedelta(days=number),
                count=10 + number,
                location=f"Prison {number}",
                notes="",
                status="published" if number % 2 == 0 else "under_review",
            )
            for number in range(RECORDS)
        ]
        db.session.add_all(records)
        db.session.commit()
        return [record.id for record in records]


def final_values(url: str, ids: list[int]) -> dict[int, dict]:
    """What each record now holds for its editors: the pending revision, else the row."""
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import ReleaseRecord
    from tracker.services.entry import revisions
    from tracker.services.entry.registry import KINDS

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        kind = KINDS["release"]
        values = {}
        for record_id in ids:
            record = db.session.get(ReleaseRecord, record_id)
            values[record_id] = revisions.proposed_values(kind, record)
        return values


def start_host(port: int, env: dict, log) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60",
         "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip


def wait_until_up(base: str) -> None:
    import requests

    for _ in range(120):
        try:
            if requests.get(f"{base}/login", timeout=30).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{base} did not start")


class Researcher:
    """One researcher's browser: a session on one host, and what happened to each save."""

    def __init__(self, name: str, base: str):
        import requests

        self.name, self.base = name, base
        self.http = requests.Session()
        self.stats = {"saved": 0, "merged": 0, "conflicts": 0, "resolved": 0, "5xx": 0, "other": 0}
        self.count_written: dict[int, int] = {}
        self.errors: list[str] = []

    def login(self) -> None:
        page = self.http.get(f"{self.base}/login").text
        response = self.http.post(
            f"{self.base}/login",
            data={"csrf_token": TOKEN.search(page).group(1), "email": f"{self.name}@example.org",
                  "password": PASSWORD},
            allow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 302, response.status_code

    def open_form(self, record_id: int) -> dict:
        page = self.http.get(f"{self.base}/manage/release/{record_id}/edit").text
        return form_fields(page)

    def save(self, record_id: int, data: dict) -> None:
        path = f"{self.base}/manage/release/{record_id}/edit"
        response = self.http.post(path, data=data, allow_redirects=False)
        self.note(response)
        if response.status_code == 302:
            self.stats["saved"] += 1
            follow = self.http.get(self.base + response.headers["Location"]).text
            if "were merged" in follow:
                self.stats["merged"] += 1
            if "count" in data:
                self.count_written[record_id] = int(data["count"])
            return
        if response.status_code == 409 and 'name="must_choose"' in response.text:
            # Both changed a field: the page shows both values; keep ours, knowingly.
            self.stats["conflicts"] += 1
            page = response.text
            fields = form_fields(page)
            choose = re.search(r'name="must_choose" value="([^"]*)"', page).group(1)
            again = {**fields, "must_choose": choose, "confirm_warnings": "y"}
            for name in choose.split(","):
                again[f"choose-{name}"] = "mine"
            second = self.http.post(path, data=again, allow_redirects=False)
            self.note(second)
            if second.status_code == 302:
                self.stats["resolved"] += 1
                self.count_written[record_id] = int(again["count"])
            else:
                self.errors.append(f"record {record_id}: resolving gave {second.status_code}")
            return
        self.stats["other"] += 1
        self.errors.append(f"record {record_id}: {response.status_code}")

    def note(self, response) -> None:
        if response.status_code >= 500:
            self.stats["5xx"] += 1


def form_fields(page: str) -> dict:
    """The release form's values as a browser sends them back."""
    data = {}
    for name in ("csrf_token", "version", "seen_event", "base"):
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        data[name] = html.unescape(match.group(1)) if match else ""
    for name in ("date", "count", "count_low", "count_high", "location"):
        match = re.search(rf'name="{name}" type="text" value="([^"]*)"', page)
        data[name] = html.unescape(match.group(1)) if match else ""
    notes = re.search(r'<textarea[^>]*name="notes"[^>]*>\n?([^<]*)</textarea>', page)
    data["notes"] = html.unescape(notes.group(1)) if notes else ""
    for name in ("commitment_id", "kind", "date_precision", "verification"):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        chosen = re.search(r'<option selected value="([^"]*)"', select.group(1)) if select else None
        data[name] = chosen.group(1) if chosen else ""
    return data


def run(url: str, ports: tuple[int, int]) -> int:
    ids = prepare(url)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           "TRACKER_ENV": "development"}  # fmt: skip
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "concurrent_edits.log", "ab")  # noqa: SIM115
    hosts = [start_host(port, env, log) for port in ports]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_until_up(base)
        a, b = Researcher("a", bases[0]), Researcher("b", bases[1])
        a.login()
        b.login()
        barrier = threading.Barrier(2)

        def work(researcher: Researcher) -> None:
            try:
                edit_all(researcher)
            except Exception as error:  # a failure must not leave the other waiting forever
                researcher.errors.append(f"stopped: {error!r}")
                barrier.abort()

        def edit_all(researcher: Researcher) -> None:
            for number, record_id in enumerate(ids):
                form = researcher.open_form(record_id)
                barrier.wait()  # both have the form open before either saves
                if researcher is a:
                    data = {**form, "count": str(1000 + number)}
                else:
                    data = {**form, "notes": f"B's note {number}"}
                    if number % 5 == 0:
                        data["count"] = str(2000 + number)
                researcher.save(record_id, {**data, "confirm_warnings": "y"})
                barrier.wait()  # next record together

        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(r,)) for r in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        for host in hosts:
            host.terminate()
        for host in hosts:
            try:
                host.wait(timeout=30)
            except subprocess.TimeoutExpired:
                host.kill()
        log.close()

    values = final_values(url, ids)
    lost = []
    for number, record_id in enumerate(ids):
        stored = values[record_id]
        if stored["notes"] != f"B's note {number}":
            lost.append(f"record {record_id}: B's notes lost ({stored['notes']!r})")
        expected = {1000 + number} if number % 5 else {1000 + number, 2000 + number}
        if stored["count"] not in expected:
            lost.append(f"record {record_id}: count {stored['count']} not in {expected}")
    both = sum(1 for number in range(RECORDS) if number % 5 == 0)
    asked = a.stats["conflicts"] + b.stats["conflicts"]
    report = {
        "records": RECORDS,
        "seconds": round(seconds, 1),
        "a": a.stats,
        "b": b.stats,
        "fields_changed_by_both": both,
        "conflicts_reported": asked,
        "lost_fields": lost,
        "errors": a.errors + b.errors,
    }
    print(json.dumps(report, indent=2))
    ok = not lost and not report["errors"] and asked == both
    ok = ok and a.stats["5xx"] == 0 and b.stats["5xx"] == 0
    print("OK: no lost field, every conflict reported, no 5xx." if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database URL")
    parser.add_argument("--ports", default="5201,5202", help="two ports for the two hosts")
    args = parser.parse_args()
    ports = tuple(int(port) for port in args.ports.split(","))
    with postgres_schema(args.database_url, "concurrent_edits") as url:
        return run(url, ports)


if __name__ == "__main__":
    sys.exit(main())
