"""Three-way merge on conflict: nothing the other person wrote is lost without a choice."""

from __future__ import annotations

import pytest

from tests.records_support import make_process, post, release_form_values, text_of
from tracker.extensions import db
from tracker.models import ReleaseRecord


@pytest.fixture
def path(app, people):
    """A draft batch of 20 entered by A (drafts are edited in place)."""
    ids = make_process(app)
    response = post(
        people["a"],
        "/manage/release/new",
        {"commitment_id": str(ids["commitment"]), "kind": "batch", "date": "2020-04-08",
         "count": "20", "location": "Bagram", "notes": "First batch"},
    )  # fmt: skip
    return response.location


def opened(client, path: str) -> dict:
    """The form as a browser would send it back unchanged."""
    return release_form_values(client.get(path).get_data(as_text=True))


def stored(app) -> tuple[int, str, str]:
    with app.app_context():
        record = db.session.scalars(db.select(ReleaseRecord)).one()
        return record.count, record.notes, record.location


def test_saving_notes_over_a_count_change_keeps_the_new_count(app, people, path):
    form_a, form_b = opened(people["a"], path), opened(people["b"], path)
    assert post(people["a"], path, {**form_a, "count": "25"}).status_code == 302
    saved = post(people["b"], path, {**form_b, "notes": "Seen at the gate"})
    assert saved.status_code == 302
    assert stored(app) == (25, "Seen at the gate", "Bagram")
    assert "were merged" in text_of(people["b"].get(saved.location))


def test_a_field_both_changed_is_shown_side_by_side_and_needs_a_choice(app, people, path):
    form_a, form_b = opened(people["a"], path), opened(people["b"], path)
    post(people["a"], path, {**form_a, "count": "25", "location": "Bagram prison"})
    refused = post(people["b"], path, {**form_b, "count": "30", "notes": "B's note"})
    assert refused.status_code == 409
    assert stored(app) == (25, "First batch", "Bagram prison")
    page = refused.get_data(as_text=True)
    assert 'name="choose-count" value="mine"' in page
    assert 'name="choose-location"' not in page  # only A changed it: A's value is kept
    assert 'name="location" type="text" value="Bagram prison"' in page
    again = {**release_form_values(page), "must_choose": "count"}
    undecided = post(people["b"], path, again)
    assert undecided.status_code == 409
    assert "Choose, for each field both of you changed" in text_of(undecided)
    assert stored(app) == (25, "First batch", "Bagram prison")
    theirs = post(people["b"], path, {**again, "choose-count": "theirs"})
    assert theirs.status_code == 302
    assert stored(app) == (25, "B's note", "Bagram prison")
