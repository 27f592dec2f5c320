"""The web upload's jobs: a check and an import on the queue, their progress, their errors, a
job that died with its worker, the row limit, and who may see a job's progress.

Tests run the jobs in Huey's immediate mode (inside the request that queues them), except
``test_a_real_consumer_runs_the_check_and_the_import``, which runs Huey's own consumer.
"""

from __future__ import annotations

import html
import re
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from tests.upload_support import DATA, acled_file, confirm, preview, reports, upload
from tracker import jobs
from tracker.extensions import db
from tracker.models import PendingImport, ViolenceReport
from tracker.models.base import utcnow
from tracker.services.interchange import preview_budget, upload_jobs


def text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return html.unescape(re.sub(r"\s+", " ", page))


def post(client, auth, url: str, **data):
    return client.post(url, data={"csrf_token": auth.csrf_token("/imports"), **data})


def test_a_20000_row_violence_upload_completes(app, client, auth, researcher, process_id):
    content = acled_file(20_000)
    response = upload(client, auth, f"violence:{process_id}", content, "acled-20k.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    assert page.status_code == 200
    assert re.search(r"To add</dt><dd>20,000<", page.get_data(as_text=True))
    assert "20,000 rows read" in text(page) and "First 10 rows as they will be stored" in text(page)
    assert reports(app) == 0  # the check wrote nothing

    assert confirm(client, auth, preview_url).headers["Location"] == preview_url
    done = text(client.get(preview_url))
    assert "20,000 added, 0 updated, 0 unchanged" in done
    assert reports(app) == 20_000
    assert preview_url not in client.get("/imports").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(ViolenceReport.status)))) == 1


def test_progress_is_recorded_as_the_job_reads_the_file(
    app,
    client,
    auth,
    researcher,
    process_id,
    monkeypatch,
):
    seen = []
    put = jobs.put_progress
    monkeypatch.setattr(upload_jobs, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(
        jobs, "put_progress", lambda key, **values: (seen.append(values), put(key, **values))
    )
    content = acled_file(1_000)
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    done = [values["bytes_done"] for values in seen]
    assert len(done) > 3 and done == sorted(done) and done[0] == 0
    assert all(values["bytes_total"] == len(content) for values in seen)
    assert all(values["job"] == "check" for values in seen)
    status = client.get(f"{preview_url}/status.json").get_json()
    assert status["state"] == "done" and status["finished"]
    assert status["rows_total"] == status["rows_done"] == 1_000 and status["percent"] == 100


def test_a_running_job_reports_rows_and_percent_and_the_page_works_without_js(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    content = acled_file(400)
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    with app.app_context():
        pending = db.session.scalar(select(PendingImport))
        db.session.execute(
            update(PendingImport).values(job_state="running", preview_started_at=utcnow())
        )
        db.session.commit()
        jobs.put_progress(
            upload_jobs.progress_key(pending.id),
            job="check",
            bytes_done=len(content) // 4,
            bytes_total=len(content),
        )
    status = client.get(f"{preview_url}/status.json").get_json()
    assert status["state"] == "running" and not status["finished"]
    assert status["percent"] == 25 and status["rows_done"] == 100 and status["rows_total"] == 400
    page = client.get(preview_url)
    body = page.get_data(as_text=True)
    assert "About 100 of 400 rows" in text(page) and 'value="25"' in body
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in body
    assert f'href="{preview_url}">Refresh</a>' in body
    assert "js/import_progress" in body and "/confirm" not in body
    # The researcher who left the page finds the upload again on the import page.
    listing = client.get("/imports").get_data(as_text=True)
    assert "Your files not imported yet" in listing and f'href="{preview_url}"' in listing


def test_errors_are_listed_by_line_and_column_up_to_a_cap_with_the_total(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    lines = ["event_date,event_type,actor1,location,fatalities"]
    lines += [f"2020-04-09,Riots,Mob,Kabul,-{i}" for i in range(1, 151)]
    content = ("\n".join(lines) + "\n").encode()
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    page = client.get(preview_url)
    assert page.status_code == 422
    words = text(page)
    assert "The file cannot be imported: 150 errors" in words
    assert "Line 2, column fatalities : must be at least 0; got -1" in words
    assert words.count("column fatalities") == 100
    assert "… and 50 more errors not listed (150 in all)" in words
    assert "Correct the file and upload it again" in words and "/confirm" not in str(words)
    confirm(client, auth, preview_url)
    assert reports(app) == 0


def mark_started(app, ago: timedelta, state: str = "running", job: str = "check") -> None:
    with app.app_context():
        db.session.execute(
            update(PendingImport).values(
                job=job, job_state=state, preview_started_at=utcnow() - ago
            )
        )
        db.session.commit()


def test_a_dead_job_is_reported_and_its_upload_can_be_checked_and_imported_again(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    content = acled_file(30)
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    # As a consumer killed mid-import leaves it: marked running, silent for ten minutes.
    mark_started(app, timedelta(minutes=10), job="import")
    page = text(client.get(preview_url))
    assert "The import stopped before it finished" in page and "Nothing was imported" in page
    assert client.get(f"{preview_url}/status.json").get_json()["state"] == "stopped"
    listing = text(client.get("/imports"))
    assert "the import stopped before it finished: check it again" in listing
    post(client, auth, f"{preview_url}/check")
    page = client.get(preview_url)
    assert re.search(r"To add</dt><dd>30<", page.get_data(as_text=True))
    confirm(client, auth, preview_url)
    assert "30 added" in text(client.get(preview_url))
    assert reports(app) == 30


def test_a_job_heard_from_recently_is_not_started_twice(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    preview_url = preview(client, auth, f"violence:{process_id}", acled_file(3))
    mark_started(app, timedelta(seconds=20), job="import")
    post(client, auth, f"{preview_url}/check")
    confirm(client, auth, preview_url)
    with app.app_context():
        pending = db.session.scalar(select(PendingImport))
        assert (pending.job, pending.job_state) == ("import", "running")
    assert reports(app) == 0
    page = text(client.get(preview_url))
    assert "Importing the file" in page
    cancelled = post(client, auth, f"{preview_url}/cancel")
    assert cancelled.headers["Location"] == preview_url  # an import under way is not cancelled
    mark_started(app, timedelta(seconds=20), job="check")
    assert "Cancel" not in text(client.get(preview_url))
    cancelled = post(client, auth, f"{preview_url}/cancel")
    assert cancelled.headers["Location"] == preview_url  # nor a check: it holds SQLite's lock


def test_the_default_limit_is_250000_rows_and_larger_files_name_the_command(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    assert app.config["IMPORT_WEB_MAX_ROWS"] == 250_000
    content = b"event_date\n" + b"x\n" * 250_001
    response = upload(client, auth, f"violence:{process_id}", content, "big.csv")
    assert response.status_code == 400
    page = text(response)
    assert "This file has 250,001 rows; the web import takes up to 250,000 rows" in page
    assert "flask --app wsgi import violence big.csv --process afg" in page
    assert preview_budget.count_rows((DATA / "acled_afghanistan_2020.csv").read_bytes()) == 400


def test_only_the_uploader_sees_a_jobs_progress(
    app,
    client,
    auth,
    make_user,
    researcher,
    process_id,
):
    preview_url = preview(client, auth, f"violence:{process_id}", acled_file(3))
    status_url = f"{preview_url}/status.json"
    assert client.get(status_url).status_code == 200
    auth.logout()
    anonymous = client.get(status_url)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["message"] == "Log in to see the progress of your uploads."
    make_user("other@example.org")
    auth.login("other@example.org")
    other = client.get(status_url)
    assert other.status_code == 404
    assert "is not yours" in other.get_json()["error"]["message"]


class TestRealConsumer:
    """Huey's consumer, not immediate mode: the request only queues; a worker thread runs."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"HUEY_IMMEDIATE": False, "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}"}

    @pytest.fixture
    def consumer(self, app):
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        handlers = {number: signal.getsignal(number) for number in signals}
        consumer = app.extensions["huey"].create_consumer(workers=1, periodic=False)
        consumer.start()
        yield consumer
        consumer.stop(graceful=True)
        for number, handler in handlers.items():  # the consumer set its own
            signal.signal(number, handler)

    def test_a_real_consumer_runs_the_check_and_the_import(
        self,
        app,
        client,
        auth,
        researcher,
        process_id,
        consumer,
    ):
        response = upload(client, auth, f"violence:{process_id}", acled_file(50))
        preview_url = response.headers["Location"]

        def finished() -> dict:
            for _ in range(600):
                status = client.get(f"{preview_url}/status.json").get_json()
                if status["finished"]:
                    return status
                time.sleep(0.1)
            raise AssertionError("the consumer never finished the job")

        assert finished()["state"] == "done"
        assert re.search(r"To add</dt><dd>50<", client.get(preview_url).get_data(as_text=True))
        confirm(client, auth, preview_url)
        assert finished()["job"] == "import"
        assert "50 added" in text(client.get(preview_url))
        assert reports(app) == 50


class TestQueueWithoutConsumer:
    """A task waiting in a real queue (no consumer runs): it stays queued however long it
    waits behind others, and is reported stopped only once the queue has lost it."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"HUEY_IMMEDIATE": False, "HUEY_URL": f"sqlite:///{tmp_path / 'huey.sqlite3'}"}

    def test_a_waiting_check_is_not_stopped_until_the_queue_loses_it(
        self,
        app,
        client,
        auth,
        researcher,
        process_id,
    ):
        preview_url = upload(client, auth, f"violence:{process_id}", acled_file(3)).headers[
            "Location"
        ]
        mark_started(app, timedelta(minutes=30), state="queued")
        status = client.get(f"{preview_url}/status.json").get_json()
        assert status["state"] == "queued" and status["waiting_seconds"] >= 1800
        assert "the server's job runner is busy with another file" in text(client.get(preview_url))
        with app.app_context():
            jobs.queue().flush()  # the queue lost it (a Redis wiped, say)
        assert client.get(f"{preview_url}/status.json").get_json()["state"] == "stopped"
        post(client, auth, f"{preview_url}/check")
        with app.app_context():
            assert len(jobs.queue().pending()) == 1
            assert db.session.scalar(select(PendingImport.job_state)) == "queued"
        assert post(client, auth, f"{preview_url}/cancel").headers["Location"] == "/imports"


def test_pages_and_progress_polls_never_load_the_stored_file(
    app,
    client,
    auth,
    researcher,
    process_id,
):
    preview_url = preview(client, auth, f"violence:{process_id}", acled_file(3))
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in (preview_url, f"{preview_url}/status.json", "/imports"):
            assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements and not [s for s in statements if "pending_imports.content" in s]


def test_a_job_that_fails_unexpectedly_says_so_and_can_be_checked_again(
    app,
    client,
    auth,
    researcher,
    process_id,
    monkeypatch,
    caplog,
):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(upload_jobs, "import_violence_csv", broken)
    preview_url = preview(client, auth, f"violence:{process_id}", acled_file(3))
    page = text(client.get(preview_url))
    assert "Something went wrong on our side" in page and "Nothing was imported" in page
    assert "a bug" not in page and "the check job failed" in caplog.text
    monkeypatch.undo()
    post(client, auth, f"{preview_url}/check")
    assert re.search(r"To add</dt><dd>3<", client.get(preview_url).get_data(as_text=True))
