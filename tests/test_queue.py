"""The review queue for real work: author, age, diff against the published version, sources,
confirmed warnings; publishing returns to the queue at the next item; send back with a comment."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.records_support import form_values, make_process, post, text_of
from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, User
from tracker.services.entry.audit import audit_context
from tracker.services.entry.guard import changes_become_revisions
from tracker.services.interchange.csv_import import import_violence_csv
from tracker.services.interchange.import_log import record_import_event


@pytest.fixture
def display_names():
    return {"a": "Researcher A", "b": "Researcher B"}


@pytest.fixture
def records(app):
    ids = make_process(app)
    with app.app_context():
        commitment = db.session.get(Commitment, ids["commitment"])
        made = [
            factories.release(commitment, date(2020, 4, 8 + n), 100 + n, location=f"Jail {n}")
            for n in range(3)
        ]
        db.session.commit()
        ids["records"] = [record.id for record in made]
    return ids


def change(client, record_id: int, count: str, url: str = "https://example.org/unama"):
    path = f"/manage/release/{record_id}/edit"
    page = client.get(path).get_data(as_text=True)
    data = {
        "commitment_id": re.search(r'<option selected value="(\d+)">', page).group(1),
        "kind": "batch",
        "date": re.search(r'name="date"[^>]*value="([^"]*)"', page).group(1),
        "location": re.search(r'name="location"[^>]*value="([^"]*)"', page).group(1),
        "count": count,
        "sources-0-url": url,
        "confirm_warnings": "y",
        **form_values(page),
    }
    assert post(client, path, data).status_code == 302


def test_each_item_shows_author_age_diff_and_sources(people, records):
    change(people["a"], records["records"][0], "150")
    text = text_of(people["b"].get("/manage/review"))
    assert "Change to a published record by Researcher A, waiting under a minute" in text
    assert "count 100 150" in text  # the diff against the published version
    assert "https://example.org/unama" in text


def test_publishing_returns_to_the_queue_at_the_next_item(people, records):
    first, second, _ = records["records"]
    change(people["a"], first, "150")
    change(people["a"], second, "160")
    queue = people["b"].get("/manage/review").get_data(as_text=True)
    assert f'name="next" value="release-{second}"' in queue
    response = post(
        people["b"],
        f"/manage/release/{first}/publish",
        {"back": "queue", "next": f"release-{second}"},
        form_path="/manage/review",
    )
    assert response.location.endswith(f"/manage/review#release-{second}")


def test_sending_back_shows_the_comment_to_the_author_until_they_change_it(people, records):
    record_id = records["records"][0]
    change(people["a"], record_id, "150")
    response = post(
        people["b"],
        f"/manage/release/{record_id}/send-back",
        {"comment": "The UNAMA report says 105, not 150."},
        form_path="/manage/review",
    )
    assert response.status_code == 302
    page = text_of(people["a"].get(f"/manage/release/{record_id}/edit"))
    assert "Sent back by a reviewer: The UNAMA report says 105, not 150." in page
    assert "Sent back: The UNAMA report says 105" in text_of(people["a"].get("/manage/review"))
    change(people["a"], record_id, "105")
    assert "Sent back" not in text_of(people["a"].get(f"/manage/release/{record_id}/edit"))


def test_an_empty_comment_sends_nothing_back(people, records):
    record_id = records["records"][0]
    change(people["a"], record_id, "150")
    post(people["b"], f"/manage/release/{record_id}/send-back", {"comment": " "}, "/manage/review")
    assert "Sent back" not in text_of(people["a"].get(f"/manage/release/{record_id}/edit"))


def test_a_confirmed_warning_is_shown_again_when_the_data_moved_meanwhile(app, people, records):
    """Warnings come from the database at save time, not from the form as it was opened."""
    path = "/manage/release/new"
    data = {
        "commitment_id": str(records["commitment"]),
        "kind": "batch",
        "date": "2020-05-01",
        "count": "4800",
        "sources-0-url": "https://example.org/big",
    }
    first = post(people["a"], path, data)
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert "This would take progress to 5,103" in text_of(first)
    warned = re.search(r"name=\"warned\" value='([^']*)'", page).group(1)
    # Meanwhile B enters another batch: the total A confirmed is out of date.
    post(people["b"], path, {**data, "count": "50", "date": "2020-05-02"})
    again = post(people["a"], path, {**data, "confirm_warnings": "y", "warned": warned})
    assert again.status_code == 200
    assert "The data changed since you confirmed" in text_of(again)
    assert "This would take progress to 5,153" in text_of(again)
    warned = re.search(r"name=\"warned\" value='([^']*)'", again.get_data(as_text=True)).group(1)
    saved = post(people["a"], path, {**data, "confirm_warnings": "y", "warned": warned})
    assert saved.status_code == 302


def test_a_large_import_is_listed_whole_with_its_counts_separated(app, people, monkeypatch):
    """A 250,000-row upload leaves that many drafts: the queue groups them under their import
    and writes the counts with separators. Their events are read in slices of ids
    (PostgreSQL takes at most 65,535 parameters in a statement), here slices of 7."""
    from tracker.services.entry import trail

    monkeypatch.setattr(trail, "ID_SLICE", 7, raising=False)
    ids = make_process(app)
    header = "event_id_cnty,event_date,event_type,actor1,location,fatalities"
    lines = [f"AFG{n},2020-04-09,Battles,Taliban,Kabul,1" for n in range(1234)]
    with app.app_context():
        author = db.session.scalar(select(User).where(User.email == "a@example.org"))
        process = db.session.get(PeaceProcess, ids["process"])
        content = "\n".join([header, *lines]).encode()
        with (
            audit_context(db.session, action="import", actor="a@example.org"),
            changes_become_revisions(db.session, author.id, "big.csv into Afghanistan 2020"),
        ):
            result = import_violence_csv(io.BytesIO(content), process, None, author.id)
            record_import_event("violence", process.slug, "big.csv", result, "a@example.org")
        db.session.commit()
    page = text_of(people["b"].get("/manage/review"))
    assert "Waiting for your review (1,234)" in page
    assert "(1,234 records)" in page and "Publish all 1,234" in page
    assert "Entered one by one" not in page  # no draft lost its import in a slice
