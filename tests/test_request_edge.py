"""The request edge: NUL refused in paths, query strings, forms and uploads with a clear 400;
OPTIONS on private pages; the health check.

Each of these answered 500 before (on PostgreSQL a NUL reaches the driver as a DataError; on
SQLite some reached views that could not take them).
"""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.records_support import make_process, post
from tests.test_records_release import release_data
from tests.test_records_violence import report_data
from tracker import create_app
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    LoginFailure,
    PendingImport,
    ReleaseRecord,
    User,
    ViolenceReport,
)

SLUG = "afghanistan-2020"


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def message(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return html.unescape(re.sub(r"\s+", " ", text))


@pytest.fixture
def ids(app, make_user, auth):
    make_user("a@example.org")
    auth.login("a@example.org")
    return make_process(app)


@pytest.mark.parametrize("url", ["/imports/%00", "/manage/%00", "/manage/violence%00/"])
def test_nul_in_an_address_is_a_400_naming_it(client, ids, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "a NUL character (U+0000), which cannot be stored" in message(response)


@pytest.mark.parametrize(
    "url",
    [
        f"/processes/{SLUG}?actor=%00",
        f"/processes/{SLUG}/charts/violence.csv?actor=%00",
        f"/processes/{SLUG}?event_type=Battles%00",
        "/manage/violence/?actor=%00",
        f"/api/v1/processes/{SLUG}/violence?event_type=%00",
    ],
)
def test_nul_in_a_query_string_is_never_a_5xx(client, ids, url):
    # The filter parser drops it from an actor and refuses it elsewhere (tests/test_filters.py).
    assert client.get(url).status_code in (200, 400, 404)


def test_a_login_email_ending_in_nul_is_refused_and_not_counted(app, client, make_user, auth):
    make_user("a@example.org")
    response = auth.login("a@example.org\x00")
    assert response.status_code == 400
    assert "The form field 'email' holds a NUL character" in message(response)
    assert rows(app, LoginFailure) == 0
    assert auth.login("a@example.org").status_code == 302  # the account still works


@pytest.mark.parametrize("field", ["location", "notes", "sources-0-url", "sources-0-publisher"])
def test_nul_in_a_release_form_changes_nothing(app, client, ids, field):
    data = release_data(ids, **{field: "Bagram\x00"})
    events = rows(app, AuditEvent)
    response = post(client, "/manage/release/new", data)
    assert response.status_code == 400
    assert f"The form field '{field}' holds a NUL character" in message(response)
    assert rows(app, ReleaseRecord) == 0 and rows(app, AuditEvent) == events


@pytest.mark.parametrize(
    "field", ["actor1", "actor2", "admin1", "location", "notes", "claims-0-actor"]
)
def test_nul_in_a_violence_form_changes_nothing(app, client, ids, field):
    data = report_data(ids, **{field: "x\x00y"})
    events = rows(app, AuditEvent)
    response = post(client, "/manage/violence/new", data)
    assert response.status_code == 400
    assert rows(app, ViolenceReport) == 0 and rows(app, AuditEvent) == events


@pytest.mark.parametrize("field", ["email", "display_name"])
def test_nul_in_a_new_users_email_or_name_creates_no_account(app, client, make_user, auth, field):
    make_user("admin@example.org", role="admin")
    auth.login("admin@example.org")
    data = {"email": "new@example.org", "display_name": "New", "role": "researcher"}
    data[field] += "\x00"
    response = post(client, "/admin/users/new", data)
    assert response.status_code == 400
    assert rows(app, User) == 1


def test_nul_in_a_csv_cell_is_named_in_the_preview(app, client, make_user, auth):
    make_user()
    auth.login()
    with app.app_context():
        process = factories.process(slug="afg")
        db.session.commit()
        process_id = process.id
    content = (
        b"event_date,event_type,actor1,location,fatalities,notes\n"
        b"2020-04-09,Battles,Taliban,Kabul,1,fine\n"
        b"2020-04-10,Battles,Taliban,Kabul\x00,2,bad\n"
    )
    response = client.post(
        "/imports",
        data={
            "csrf_token": auth.csrf_token("/imports"),
            "target": f"violence:{process_id}",
            "status": "under_review",
            "file": (io.BytesIO(content), "nul.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, message(response)
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 422
    assert (
        "Line 3, column location : holds a NUL character (U+0000), which cannot be stored"
        in message(preview)
    )
    assert rows(app, ViolenceReport) == 0
    assert rows(app, PendingImport) == 1


@pytest.mark.parametrize(
    "path", ["/manage/", "/admin/", "/admin/users", "/imports", "/manage/review"]
)
def test_options_on_private_pages_as_anonymous_shows_nothing(client, path):
    response = client.open(path, method="OPTIONS")
    if response.status_code == 302:  # blueprints guarded as a whole send to the login page
        assert "/login" in response.headers["Location"]
    else:  # routes guarded one by one answer OPTIONS with their methods, and nothing else
        assert response.status_code == 200
        assert "GET" in response.headers["Allow"] and response.data == b""


def test_options_on_private_pages_as_a_researcher_lists_methods(client, ids):
    response = client.open("/manage/", method="OPTIONS")
    assert response.status_code == 200
    assert "GET" in response.headers["Allow"]


def test_healthz_answers_ok_without_cookies(client, make_user, auth):
    make_user()
    auth.login()  # even a logged-in browser gets no cookie from it
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    anonymous = client.application.test_client()
    response = anonymous.get("/healthz")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "/healthz" not in client.get("/").get_data(as_text=True)


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    missing = tmp_path / "no-such-directory" / "tracker.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", ["/login", "/api/v1/processes", "/manage/release/new"])
def test_json_nested_past_parsing_is_a_400_not_a_500(client, make_user, auth, url):
    make_user()
    auth.login()
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(url, data=deep, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in message(response)
