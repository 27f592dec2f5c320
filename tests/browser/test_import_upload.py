"""The CSV upload in a real browser, by keyboard: log in, choose a file, preview, confirm.

The check and the import run as jobs in Huey's immediate mode here (tests/conftest.py's app),
so each page comes back with its job done; tests/test_upload_jobs.py runs a real consumer.
"""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.conftest import PASSWORD
from tracker import jobs
from tracker.extensions import db
from tracker.models import PendingImport
from tracker.models.base import utcnow
from tracker.services.interchange import upload_jobs

ACLED = Path(__file__).parent.parent / "data" / "acled_afghanistan_2020.csv"


def test_upload_preview_and_confirm_with_the_keyboard(demo, make_user, page):
    make_user()
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", "researcher@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{page.base_url}/imports")
    page.set_input_files("input[name=file]", str(ACLED))
    page.focus("input[name=file]")
    page.keyboard.press("Tab")  # to the submit button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Preview: acled_afghanistan_2020.csv" in page.locator("h1").inner_text()
    assert "First 10 rows as they will be stored" in page.content()
    assert page.locator(".counts dd").first.inner_text() == "400"
    assert page.locator(".preview-table tbody tr").count() == 10
    page.focus("text=Add 400, update 0, leave 0 unchanged")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "400 added, 0 updated, 0 unchanged" in page.locator(".import-done h2").inner_text()
    page.focus("text=Import another file")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".imports-table tbody tr").count() == 1
    assert page.watch.console_errors == [] and page.watch.outside_requests == []


def test_a_running_job_shows_its_progress_then_its_outcome(app, demo, make_user, page):
    """The page's script asks for the job's progress, shows it, and reloads when it is over."""
    make_user()
    page.goto(f"{page.base_url}/login")
    page.fill("input[name=email]", "researcher@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(f"{page.base_url}/imports")
    page.set_input_files("input[name=file]", str(ACLED))
    with page.expect_navigation():
        page.click("button:has-text('Upload and preview')")
    with app.app_context():
        pending = db.session.scalar(select(PendingImport))
        pending_id, size, outcome = pending.id, pending.size, pending.outcome
        # As while a consumer works on it: running, nothing read yet.
        db.session.execute(
            update(PendingImport).values(job_state="running", preview_started_at=utcnow())
        )
        db.session.commit()
        jobs.put_progress(
            upload_jobs.progress_key(pending_id), job="check", bytes_done=0, bytes_total=size
        )
    page.reload()
    assert "Checking the file" in page.locator(".job-progress h2").inner_text()
    with app.app_context():
        jobs.put_progress(
            upload_jobs.progress_key(pending_id),
            job="check",
            bytes_done=size // 2 + 1,
            bytes_total=size,
        )
    expect(page.locator("[data-job-rows]")).to_have_text("About 200 of 400 rows")
    assert page.locator("[data-job-percent]").inner_text() == "(50%)"
    assert page.title().startswith("50% ")
    with app.app_context():
        db.session.execute(
            update(PendingImport).values(job_state="done", outcome=outcome, preview_started_at=None)
        )
        db.session.commit()
    page.wait_for_selector(".counts")  # reloaded by the script once the job was over
    assert "Preview: acled_afghanistan_2020.csv" in page.locator("h1").inner_text()
    assert page.watch.console_errors == [] and page.watch.outside_requests == []
