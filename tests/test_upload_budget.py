"""Web uploads whose preview cost is bounded whatever the file holds, and a preview link that
cannot stop a worker twice.

Before, a 3.8 MB CSV of 5,000 rows with 20 source URLs and 20 claimants each passed the size
and row limits; its preview ran past gunicorn's 30 s, the worker was killed, and every later
visit to the same link killed another.
"""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.test_import_web import DATA, pending_uploads, process_id, reports, upload  # noqa: F401
from tracker.extensions import db
from tracker.models import PendingImport
from tracker.models.base import utcnow
from tracker.services.interchange import preview_budget

HEADER = "event_id_cnty,event_date,event_type,actor1,location,fatalities,source_url,claimed_by\n"


def acled_like(rows: int, urls: int, claims: int) -> bytes:
    """``rows`` valid violence rows, each listing ``urls`` sources and ``claims`` claimants."""
    lines = [HEADER]
    for i in range(rows):
        sources = ";".join(f"https://example.org/{i}/{j}" for j in range(urls))
        claimants = ";".join(f"Group {i} {j}" for j in range(claims))
        lines.append(f"AFG{i},2020-04-09,Battles,Taliban,Place {i},1,{sources},{claimants}\n")
    return "".join(lines).encode()


def text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return html.unescape(re.sub(r"\s+", " ", page))


@pytest.fixture
def researcher(make_user, auth):
    make_user()
    auth.login()


def test_the_reported_attack_file_is_refused_before_any_preview(
    app,
    client,
    auth,
    researcher,
    process_id,  # noqa: F811
):
    content = acled_like(5000, 20, 20)
    assert len(content) > 3_000_000
    # Encoded here, in memory: the test client would spool a body this size to a temporary file.
    fields = {
        "csrf_token": auth.csrf_token("/imports"),
        "target": f"violence:{process_id}",
        "status": "under_review",
        "file": FileStorage(io.BytesIO(content), "big.csv", content_type="text/csv"),
    }
    boundary, body = encode_multipart(fields)
    response = client.post(
        "/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    page = text(response)
    assert (
        "Line 2, column source_url lists 20 values; the web import takes up to 10 per cell" in page
    )
    assert "flask --app wsgi import violence big.csv --process afg" in page
    assert pending_uploads(app) == 0 and reports(app) == 0


def test_total_work_is_capped_with_the_command_to_use(
    app,
    client,
    auth,
    researcher,
    process_id,  # noqa: F811
):
    app.config["IMPORT_WEB_MAX_WORK"] = 50
    content = acled_like(10, 4, 1)  # 10 rows + 50 listed values
    response = upload(client, auth, f"violence:{process_id}", content, "many.csv")
    assert response.status_code == 400
    assert (
        "This file has 10 rows and 50 listed sources and claimants; the web import takes up "
        "to 50 rows and listed values in all" in text(response)
    )
    app.config["IMPORT_WEB_MAX_WORK"] = 60
    response = upload(client, auth, f"violence:{process_id}", content, "many.csv")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


def test_counting_follows_csv_quoting_on_a_real_acled_excerpt():
    content = (DATA / "acled_afghanistan_2020.csv").read_bytes()
    cost = preview_budget.measure(content, "violence")
    assert cost.rows == 400  # notes over several lines are one row
    assert cost.crowded is None


def mark_started(app, ago: timedelta) -> None:
    with app.app_context():
        db.session.execute(update(PendingImport).values(preview_started_at=utcnow() - ago))
        db.session.commit()


def started_at(app):
    with app.app_context():
        return db.session.scalar(select(PendingImport.preview_started_at))


def test_a_preview_that_never_finished_is_not_run_again(
    app,
    client,
    auth,
    researcher,
    process_id,  # noqa: F811
):
    response = upload(client, auth, f"violence:{process_id}", acled_like(3, 1, 0), "a.csv")
    preview_url = response.headers["Location"]
    # As a worker killed mid-preview leaves it: marked started, never cleared.
    mark_started(app, timedelta(minutes=5))
    for _ in range(2):
        again = client.get(preview_url)
        assert again.status_code == 422
        page = text(again)
        assert "The last preview of this file did not finish" in page
        assert "flask --app wsgi import violence a.csv --process afg" in page
        assert "Import 3 rows" not in page
    token = auth.csrf_token(preview_url)
    confirm = client.post(f"{preview_url}/confirm", data={"csrf_token": token})
    assert confirm.status_code == 302 and reports(app) == 0
    assert started_at(app) is not None  # still refused


def test_a_preview_running_right_now_is_not_started_twice(
    app,
    client,
    auth,
    researcher,
    process_id,  # noqa: F811
):
    response = upload(client, auth, f"violence:{process_id}", acled_like(3, 1, 0), "a.csv")
    mark_started(app, timedelta(seconds=5))
    busy = client.get(response.headers["Location"])
    assert busy.status_code == 409
    assert "being previewed or imported right now" in text(busy)


def test_a_finished_preview_can_be_opened_again_and_confirmed(
    app,
    client,
    auth,
    researcher,
    process_id,  # noqa: F811
):
    response = upload(client, auth, f"violence:{process_id}", acled_like(3, 1, 0), "a.csv")
    preview_url = response.headers["Location"]
    assert client.get(preview_url).status_code == 200
    assert started_at(app) is None
    assert client.get(preview_url).status_code == 200
    token = auth.csrf_token(preview_url)
    assert client.post(f"{preview_url}/confirm", data={"csrf_token": token}).status_code == 302
    assert reports(app) == 3
