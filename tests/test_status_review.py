"""Status changes move a public figure (a term's PAM status and its agreement's implementation
score), so they follow the two-person rule like every other record: on the forms, through
revisions, archive and restore, and in bundle imports."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.records_support import form_values, make_process, post, text_of
from tests.test_feed import entries
from tracker.extensions import db
from tracker.models import CommitmentStatusChange, Revision

PROCESS = "/api/v1/processes/afghanistan-2020"
NEW_STATUS = {"changed_on": "2020-03-01", "pam_status": "3", "sources-0-url": "https://e.org/x"}


def public_talks(client) -> tuple[int, float]:
    """What a viewer sees: the non-countable term's status and the agreement's score."""
    agreement = client.get(PROCESS).get_json()["agreements"][0]
    status = next(c["status"] for c in agreement["commitments"] if c["key"] == "talks")
    return status, agreement["implementation_score"]


def enter_status(client, commitment_id: int, **values) -> int:
    """A researcher records a status change through the form; returns its id."""
    data = {**NEW_STATUS, "commitment_id": str(commitment_id), **values}
    response = post(client, "/manage/status/new", data)
    assert response.status_code == 302, text_of(response)
    return int(response.location.rstrip("/").split("/")[-2])


def action(client, change_id: int, verb: str):
    """Press a review button (publish, archive, restore) on the status change's edit page."""
    path = f"/manage/status/{change_id}/edit"
    return post(client, f"/manage/status/{change_id}/{verb}", {}, form_path=path)


def review_status(app, change_id: int) -> str:
    with app.app_context():
        return db.session.get(CommitmentStatusChange, change_id).status


def test_a_new_status_change_moves_no_public_figure_until_a_second_person_publishes_it(
    app, people, client
):
    ids = make_process(app)
    assert public_talks(client) == (0, 0.0)
    change_id = enter_status(people["a"], ids["other"])
    assert review_status(app, change_id) == "under_review"
    assert public_talks(client) == (0, 0.0)
    assert "3 (full)" not in text_of(client.get("/processes/afghanistan-2020"))  # terms table
    # A cannot publish their own status change, whatever button they press.
    refused = action(people["a"], change_id, "publish")
    assert "someone else must review and publish it" in text_of(people["a"].get(refused.location))
    assert review_status(app, change_id) == "under_review"
    assert public_talks(client) == (0, 0.0)
    assert action(people["b"], change_id, "publish").status_code == 302
    assert review_status(app, change_id) == "published"
    assert public_talks(client) == (3, 50.0)
    assert "3 (full)" in text_of(client.get("/processes/afghanistan-2020"))


def test_editing_archiving_and_restoring_a_published_status_change_wait_for_review(
    app, people, client
):
    ids = make_process(app)
    change_id = enter_status(people["a"], ids["other"])
    action(people["b"], change_id, "publish")
    # A lowers it to 1: a pending revision; the public figure stays at 3 until B publishes.
    edit_path = f"/manage/status/{change_id}/edit"
    page = people["a"].get(edit_path).get_data(as_text=True)
    data = {**NEW_STATUS, "commitment_id": str(ids["other"]), "pam_status": "1"}
    assert post(people["a"], edit_path, {**data, **form_values(page)}).status_code == 302
    with app.app_context():
        change = db.session.get(CommitmentStatusChange, change_id)
        assert (change.pam_status, change.status) == (3, "published")
        assert db.session.scalar(select(Revision.entity_type)) == "status_change"
    assert public_talks(client) == (3, 50.0)
    action(people["a"], change_id, "publish")  # refused: A wrote the revision
    assert public_talks(client) == (3, 50.0)
    assert action(people["b"], change_id, "publish").status_code == 302
    assert public_talks(client)[0] == 1
    # Archiving is a reviewed change too, and so is restoring.
    action(people["a"], change_id, "archive")
    assert review_status(app, change_id) == "published"
    assert public_talks(client)[0] == 1
    action(people["b"], change_id, "publish")
    assert review_status(app, change_id) == "archived"
    assert public_talks(client) == (0, 0.0)
    action(people["a"], change_id, "restore")
    assert public_talks(client) == (0, 0.0)
    action(people["b"], change_id, "publish")
    assert public_talks(client)[0] == 1


def test_the_researchers_pages_list_queue_and_show_the_history_of_status_changes(app, people):
    ids = make_process(app)
    change_id = enter_status(people["a"], ids["other"], notes="Talks opened in Doha.")
    listing = text_of(people["b"].get("/manage/status/?status=under_review"))
    assert "Status 3 (full) from 1 Mar 2020" in listing
    queue = people["b"].get("/manage/review")
    assert queue.status_code == 200
    assert "Status 3 (full) from 1 Mar 2020" in text_of(queue)
    assert "New record by a" in text_of(queue)
    action(people["b"], change_id, "publish")
    history = people["b"].get(f"/manage/status/{change_id}/history")
    assert history.status_code == 200
    words = text_of(history)
    assert "implementation status" in words and "full" in words
    assert "Published" in words


def test_the_feed_lists_a_status_change_once_it_is_published(app, people, client):
    ids = make_process(app)
    change_id = enter_status(people["a"], ids["other"])
    assert entries(client, "status_change") == []
    action(people["b"], change_id, "publish")
    found = entries(client, "status_change")
    assert [e["title"] for e in found] == ["Status 3 (full) from 1 Mar 2020"]


def test_a_viewers_bundle_leaves_out_status_changes_under_review(app, people, client):
    ids = make_process(app)
    published = enter_status(people["a"], ids["other"], changed_on="2020-03-01")
    action(people["b"], published, "publish")
    enter_status(people["a"], ids["other"], changed_on="2020-06-01", pam_status="1")
    bundle = client.get("/exports/processes/afghanistan-2020.json").get_json()
    talks = next(
        c for c in bundle["agreements"][0]["commitments"] if c["key"] == "talks"
    )  # fmt: skip
    assert [(h["date"], h["status"], h["review_status"]) for h in talks["status_history"]] == [
        ("2020-03-01", 3, "published")
    ]


def bundle_with_history(runner, tmp_path, **entry) -> str:
    """The process exported, with one status change added to the "talks" term."""
    path = tmp_path / "b.json"
    result = runner.invoke(args=["export", "process", "afghanistan-2020", "-o", str(path)])
    assert result.exit_code == 0, result.output
    document = json.loads(path.read_text(encoding="utf-8"))
    talks = next(c for c in document["agreements"][0]["commitments"] if c["key"] == "talks")
    talks["status_history"] = [
        {"date": "2020-03-01", "status": 3, "source_url": "https://e.org/x", **entry}
    ]
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_a_bundle_import_cannot_publish_a_status_change_past_the_rule(
    app, runner, client, tmp_path
):
    make_process(app)
    path = bundle_with_history(runner, tmp_path, review_status="published")
    for options in ([], ["--status", "published"]):
        result = runner.invoke(args=["import", "process", path, *options])
        assert result.exit_code != 0, result.output
        assert "nothing was imported" in result.output or "second person" in result.output
        with app.app_context():
            assert db.session.scalars(select(CommitmentStatusChange)).all() == []
        assert public_talks(client) == (0, 0.0)
    # Without a review status of its own, it arrives under review: nothing public moves.
    path = bundle_with_history(runner, tmp_path)
    result = runner.invoke(args=["import", "process", path])
    assert result.exit_code == 0, result.output
    with app.app_context():
        (change,) = db.session.scalars(select(CommitmentStatusChange)).all()
        assert (change.pam_status, change.status) == (3, "under_review")
    assert public_talks(client) == (0, 0.0)


def test_a_bundle_changing_a_published_status_change_makes_a_revision(
    app, people, runner, client, tmp_path
):
    ids = make_process(app)
    change_id = enter_status(people["a"], ids["other"])
    action(people["b"], change_id, "publish")
    path = bundle_with_history(runner, tmp_path, review_status="published", notes="Re-dated")
    result = runner.invoke(args=["import", "process", path])
    assert result.exit_code == 0, result.output
    with app.app_context():
        change = db.session.get(CommitmentStatusChange, change_id)
        assert (change.notes, change.status) == ("", "published")
        revision = db.session.scalar(select(Revision))
        assert (revision.entity_type, revision.values["notes"]) == ("status_change", "Re-dated")
    assert public_talks(client) == (3, 50.0)


def test_with_review_off_an_import_may_publish_status_changes(app, runner, client, tmp_path):
    make_process(app)
    assert runner.invoke(args=["review", "off"]).exit_code == 0
    path = bundle_with_history(runner, tmp_path, review_status="published")
    result = runner.invoke(args=["import", "process", path])
    assert result.exit_code == 0, result.output
    assert public_talks(client) == (3, 50.0)
