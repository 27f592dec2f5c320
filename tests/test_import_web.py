"""The web upload: choose a CSV, see the preview, confirm; all-or-nothing, limits, audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.upload_support import DATA, confirm, preview, reports, upload
from tracker.extensions import db
from tracker.models import AuditEvent, PeaceProcess, PendingImport, Source, ViolenceReport


def test_viewers_are_sent_to_log_in(client):
    response = client.get("/imports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_preview_then_confirm_imports_with_one_listed_audit_event(
    app, client, auth, researcher, process_id
):
    content = (DATA / "acled_afghanistan_2020.csv").read_bytes()
    response = upload(client, auth, f"violence:{process_id}", content, "acled.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert re.search(r"To add</dt><dd>400<", page)
    assert re.search(r"To update</dt><dd>0<", page)
    assert "AFG40001" in page and "Add 400, update 0, leave 0 unchanged" in page
    assert reports(app) == 0  # the preview wrote nothing

    done = confirm(client, auth, preview_url)
    assert done.status_code == 302 and done.headers["Location"] == preview_url
    page = client.get(preview_url).get_data(as_text=True)
    assert "400 added, 0 updated, 0 unchanged" in page and "/confirm" not in page
    assert "acled.csv" in client.get("/imports").get_data(as_text=True)
    with app.app_context():
        # The upload stays, to show its result, but not its file.
        assert db.session.scalar(select(PendingImport.content)) == b""
        statuses = set(db.session.scalars(select(ViolenceReport.status)))
        assert statuses == {"under_review"}
        authors = set(db.session.scalars(select(ViolenceReport.created_by_id)))
        assert authors != {None}
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "import")
        ).all()
        assert len(events) == 1
        assert events[0].actor == "researcher@example.org" and events[0].changes["added"] == 400

    again = upload(client, auth, f"violence:{process_id}", content)
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert re.search(r"To leave unchanged</dt><dd>400<", page)


def test_broken_file_preview_lists_errors_and_cannot_be_confirmed(
    app, client, auth, researcher, process_id
):
    content = (DATA / "broken" / "negative_fatalities.csv").read_bytes()
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    response = client.get(preview_url)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 3, column <code>fatalities</code>: must be at least 0; got -3" in page
    assert "/confirm" not in page
    confirm(client, auth, preview_url)
    assert reports(app) == 0


def test_importing_as_published_needs_review_turned_off(app, client, auth, make_user, process_id):
    make_user()
    auth.login()
    content = (DATA / "broken" / "bad_date.csv").read_bytes()
    response = upload(client, auth, f"violence:{process_id}", content, status="published")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)

    auth.logout()
    make_user("admin@example.org", role="admin")
    auth.login("admin@example.org")
    good = b"event_date,event_type,actor1,location,fatalities\n2020-04-09,Riots,Mob,Kabul,0\n"
    response = upload(client, auth, f"violence:{process_id}", good, status="published")
    assert response.status_code == 400  # an admin is a second person to nobody
    client.post("/manage/settings", data={"csrf_token": auth.csrf_token("/manage/settings")})
    response = upload(client, auth, f"violence:{process_id}", good, status="published")
    confirm(client, auth, response.headers["Location"])
    with app.app_context():
        assert db.session.scalar(select(ViolenceReport.status)) == "published"


def test_missing_file_and_unknown_target_are_form_errors(client, auth, researcher, process_id):
    token = auth.csrf_token("/imports")
    response = client.post(
        "/imports", data={"csrf_token": token, "target": f"violence:{process_id}"}
    )
    assert response.status_code == 400
    assert "Choose a CSV file to upload." in response.get_data(as_text=True)
    response = upload(client, auth, "violence:999999", b"x")
    assert response.status_code == 400


class TestUploadLimit:
    @pytest.fixture
    def app_config(self):
        return {"MAX_CONTENT_LENGTH": 2048}

    def test_too_large_upload_gets_a_clear_message(self, app, client, auth, make_user, process_id):
        make_user()
        auth.login()
        response = upload(client, auth, f"violence:{process_id}", b"x" * 5000)
        assert response.status_code == 413
        page = response.get_data(as_text=True)
        assert "larger than the upload limit of 2 KB" in page
        assert 'name="file"' in page  # the form is there to try again
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_release_records_upload(app, client, auth, researcher, commitment_id):
    content = b"date,kind,count\n2020-04-08,batch,100\n2020-04-13,cumulative,361\n"
    preview_url = preview(client, auth, f"releases:{commitment_id}", content)
    page = client.get(preview_url).get_data(as_text=True)
    assert re.search(r"To add</dt><dd>2<", page) and "cumulative" in page
    confirm(client, auth, preview_url)
    assert "2 added" in client.get(preview_url).get_data(as_text=True)


def test_the_import_log_names_the_uploaded_file(app, client, auth, researcher, commitment_id):
    content = b"date,kind,count\n2020-04-08,batch,100\n"
    confirm(client, auth, preview(client, auth, f"releases:{commitment_id}", content, "april.csv"))
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "import")
        ).one()
        assert event.changes["file"] == "april.csv"
        assert event.summary.startswith("releases from april.csv into ")


def test_an_upload_is_only_its_uploaders(app, client, auth, make_user, process_id):
    make_user()
    auth.login()
    content = b"event_date,event_type,actor1,location,fatalities\n2020-04-09,Riots,Mob,Kabul,0\n"
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    auth.logout()
    make_user("other@example.org")
    auth.login("other@example.org")
    assert client.get(preview_url).status_code == 404
    token = auth.csrf_token("/imports")
    assert client.post(f"{preview_url}/confirm", data={"csrf_token": token}).status_code == 404
    assert reports(app) == 0


def test_cancel_forgets_the_upload(app, client, auth, researcher, process_id):
    content = b"event_date,event_type,actor1,location,fatalities\n2020-04-09,Riots,Mob,Kabul,0\n"
    preview_url = preview(client, auth, f"violence:{process_id}", content)
    token = auth.csrf_token(preview_url)
    assert client.post(f"{preview_url}/cancel", data={"csrf_token": token}).status_code == 302
    assert client.get(preview_url).status_code == 404
    with app.app_context():
        assert db.session.get(PeaceProcess, process_id) is not None
    assert reports(app) == 0


def pending_uploads(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PendingImport))


def test_files_over_the_row_limit_are_sent_to_the_command_line(
    app, client, auth, researcher, process_id
):
    # 400 rows, some with notes over several lines: rows are counted, not lines.
    content = (DATA / "acled_afghanistan_2020.csv").read_bytes()
    app.config["IMPORT_WEB_MAX_ROWS"] = 399
    # The limit is stated on the form before anyone uploads.
    assert "and 399 rows (larger files: the flask import command)" in client.get(
        "/imports"
    ).get_data(as_text=True)
    response = upload(client, auth, f"violence:{process_id}", content, "acled.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This file has 400 rows; the web import takes up to 399 rows" in page
    assert "flask --app wsgi import violence acled.csv --process afg" in page
    assert pending_uploads(app) == 0 and reports(app) == 0
    app.config["IMPORT_WEB_MAX_ROWS"] = 400
    response = upload(client, auth, f"violence:{process_id}", content, "acled.csv")
    assert response.status_code == 302 and pending_uploads(app) == 1


def test_release_files_over_the_row_limit_name_the_commitment(
    app, client, auth, researcher, commitment_id
):
    app.config["IMPORT_WEB_MAX_ROWS"] = 1
    content = b"date,kind,count\n2020-04-08,batch,100\n\n2020-04-09,batch,5\n"
    response = upload(client, auth, f"releases:{commitment_id}", content, "r.csv")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This file has 2 rows" in page
    assert f"flask --app wsgi import releases r.csv --commitment {commitment_id}" in page


def test_a_publisher_name_longer_than_its_column_is_named_in_the_preview(
    app, client, auth, researcher, commitment_id
):
    content = (
        "date,kind,count,source_url,source_name\n"
        f"2020-04-08,batch,100,https://example.org/a,{'P' * 250}\n"
    ).encode()
    preview_url = preview(client, auth, f"releases:{commitment_id}", content)
    response = client.get(preview_url)
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    assert (
        "Line 2, column <code>source_name</code>: is 250 characters long; the limit is 200" in page
    )
    confirm(client, auth, preview_url)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Source)) == 0
