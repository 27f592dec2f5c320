"""Fixtures and helpers shared by the import tests (a pytest plugin, see conftest.py).

A process and a commitment to import into, a logged-in researcher, and the web upload's steps:
upload a file, see its preview, confirm it; plus ACLED files of any size.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests import factories
from tracker.extensions import db
from tracker.models import ViolenceReport

DATA = Path(__file__).parent / "data"

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))
from make_test_data import acled_rows  # noqa: E402


@pytest.fixture
def process_id(app) -> int:
    """A process to import violence reports into (slug "afg")."""
    with app.app_context():
        process = factories.process(slug="afg", name="Afghanistan")
        db.session.commit()
        return process.id


@pytest.fixture
def commitment_id(app) -> int:
    """A commitment to import release records into (of a process with slug "p")."""
    with app.app_context():
        commitment = factories.commitment(factories.agreement(factories.process(slug="p")))
        db.session.commit()
        return commitment.id


@pytest.fixture
def researcher(make_user, auth):
    """A researcher, logged in."""
    make_user()
    auth.login()


def reports(app) -> int:
    """How many violence reports there are."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ViolenceReport))


def upload(client, auth, target: str, content: bytes, name="file.csv", status="under_review"):
    """POST a file to the import page; the response (a redirect to the preview when taken)."""
    fields = {
        "csrf_token": auth.csrf_token("/imports"),
        "target": target,
        "status": status,
        "file": FileStorage(io.BytesIO(content), name, content_type="text/csv"),
    }
    # Encoded here, in memory: the test client would spool a large body to a temporary file.
    boundary, body = encode_multipart(fields)
    return client.post(
        "/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def preview(client, auth, target: str, content: bytes, name="file.csv") -> str:
    """Upload a file that the import page takes; the URL of its preview."""
    return upload(client, auth, target, content, name).headers["Location"]


def confirm(client, auth, preview_url: str):
    """Confirm an upload's preview: the import."""
    token = auth.csrf_token(preview_url)
    return client.post(f"{preview_url}/confirm", data={"csrf_token": token})


def acled_file(count: int) -> bytes:
    """``count`` realistic ACLED rows from the test data generator, as a CSV file."""
    rows = acled_rows(count)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()
