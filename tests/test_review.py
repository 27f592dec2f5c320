"""Review workflow: a second person publishes, the admin switch, archive and restore, the queue,
and what the public sees (published records only)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.records_support import enter_batch, make_process, post, record_action, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, ReleaseRecord


@pytest.fixture
def ids(app):
    return make_process(app)


def status_of(app, record_id: int) -> str:
    with app.app_context():
        return db.session.get(ReleaseRecord, record_id).status


def public_total(client, ids) -> int:
    return client.get(f"/api/v1/commitments/{ids['commitment']}/progress").get_json()["achieved"]


def test_the_author_cannot_publish_their_own_record(app, people, ids):
    record_id = enter_batch(people["a"], ids["commitment"])
    response = record_action(people["a"], record_id, "publish")
    assert status_of(app, record_id) == "under_review"
    page = text_of(people["a"].get(response.location))
    assert "You entered or changed this record, so someone else must review and publish it." in page


def test_an_admin_cannot_publish_their_own_record_either(app, people, ids):
    record_id = enter_batch(people["admin"], ids["commitment"])
    record_action(people["admin"], record_id, "publish")
    assert status_of(app, record_id) == "under_review"


def test_another_researcher_publishes_and_the_public_total_changes(app, people, ids, client):
    record_id = enter_batch(people["a"], ids["commitment"])
    assert public_total(client, ids) == 0
    record_action(people["b"], record_id, "publish")
    assert status_of(app, record_id) == "published"
    assert public_total(client, ids) == 100
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "publish")).one()
        assert event.actor == "b@example.org"
        assert event.changes["status"] == {"before": "under_review", "after": "published"}


def test_with_review_off_an_author_publishes_their_own_record(app, people, ids):
    response = post(people["admin"], "/manage/settings", {})  # unticked: review off
    assert response.status_code == 302
    record_id = enter_batch(people["a"], ids["commitment"])
    record_action(people["a"], record_id, "publish")
    assert status_of(app, record_id) == "published"
    post(people["admin"], "/manage/settings", {"review_required": "y"})
    second = enter_batch(people["a"], ids["commitment"])
    record_action(people["a"], second, "publish")
    assert status_of(app, second) == "under_review"


def test_only_admins_reach_the_settings(people):
    assert people["a"].get("/manage/settings").status_code == 403
    assert people["admin"].get("/manage/settings").status_code == 200


def test_archive_hides_a_record_and_restore_brings_it_back(app, people, ids, client):
    record_id = enter_batch(people["a"], ids["commitment"])
    record_action(people["b"], record_id, "publish")
    record_action(people["a"], record_id, "archive")
    assert status_of(app, record_id) == "published"  # archiving a public record is reviewed
    record_action(people["b"], record_id, "publish")
    assert status_of(app, record_id) == "archived"
    assert public_total(client, ids) == 0
    record_action(people["a"], record_id, "restore")
    assert status_of(app, record_id) == "archived"
    record_action(people["b"], record_id, "publish")
    assert status_of(app, record_id) == "published"
    assert public_total(client, ids) == 100
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        assert [e.action for e in events][-5:] == [
            "publish",
            "revise",
            "archive",
            "revise",
            "restore",
        ]
        assert events[-1].actor == events[-3].actor == "b@example.org"


def test_under_review_and_archived_records_stay_off_public_pages_and_the_api(
    app, people, ids, client
):
    enter_batch(people["a"], ids["commitment"], count="250")
    archived = enter_batch(people["a"], ids["commitment"], count="40")
    record_action(people["b"], archived, "publish")
    record_action(people["a"], archived, "archive")
    record_action(people["b"], archived, "publish")
    detail = client.get("/api/v1/processes/afghanistan-2020").get_json()
    commitment = detail["agreements"][0]["commitments"][0]
    assert commitment["progress"]["achieved"] == 0
    home = text_of(client.get("/"))
    assert "250" not in home and "40 of" not in home
    assert re.search(r"released 0 [\w ]*prisoners of up to 5,000", home)


def test_the_queue_shows_others_records_to_review_and_ones_own_apart(app, people, ids):
    record_id = enter_batch(people["a"], ids["commitment"])
    queue_b = people["b"].get("/manage/review").get_data(as_text=True)
    others_b = queue_b.split("Yours, waiting")[0]
    assert f"Release record {record_id}" in others_b
    assert f'action="/manage/release/{record_id}/publish"' in others_b
    queue_a = people["a"].get("/manage/review").get_data(as_text=True)
    assert f"Release record {record_id}" in queue_a.split("Yours, waiting")[1]
    assert f'action="/manage/release/{record_id}/publish"' not in queue_a


def test_review_actions_need_post_with_a_csrf_token(app, people, ids):
    record_id = enter_batch(people["a"], ids["commitment"])
    assert people["b"].get(f"/manage/release/{record_id}/publish").status_code == 405
    people["b"].post(f"/manage/release/{record_id}/publish")
    assert status_of(app, record_id) == "under_review"


def test_publishing_a_version_someone_changed_meanwhile_is_refused(app, people, ids):
    record_id = enter_batch(people["a"], ids["commitment"])
    queue = people["b"].get("/manage/review").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', queue).group(1)
    with app.app_context():
        db.session.get(ReleaseRecord, record_id).count = 90
        db.session.commit()
    response = post(
        people["b"],
        f"/manage/release/{record_id}/publish",
        {"version": version},
        form_path="/manage/review",
    )
    assert status_of(app, record_id) == "under_review"
    assert "Someone changed this record since you opened it" in text_of(
        people["b"].get(response.location)
    )


def edit_count(client, record_id: int, count: str):
    path = f"/manage/release/{record_id}/edit"
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    commitment = re.search(r'<option selected value="(\d+)">', page).group(1)
    data = {"commitment_id": commitment, "kind": "batch", "date": "2020-04-08", "count": count}
    return post(client, path, {**data, "version": version})


def test_editing_a_published_record_keeps_it_public_until_reviewed(app, people, ids, client):
    record_id = enter_batch(people["a"], ids["commitment"])
    record_action(people["b"], record_id, "publish")
    response = edit_count(people["b"], record_id, "110")
    assert response.status_code == 302
    assert status_of(app, record_id) == "published"
    assert public_total(client, ids) == 100  # the published version, until reviewed
    record_action(people["b"], record_id, "publish")  # B wrote the change: refused
    assert public_total(client, ids) == 100
    record_action(people["a"], record_id, "publish")  # B edited it, so A may publish it now
    assert status_of(app, record_id) == "published"
    assert public_total(client, ids) == 110


def test_with_review_off_an_edit_stays_published(app, people, ids, client):
    post(people["admin"], "/manage/settings", {})
    record_id = enter_batch(people["a"], ids["commitment"])
    record_action(people["a"], record_id, "publish")
    edit_count(people["a"], record_id, "120")
    assert status_of(app, record_id) == "published"
    assert public_total(client, ids) == 120


def test_everyone_who_changed_an_unpublished_record_is_excluded_from_publishing_it(
    app, people, ids
):
    record_id = enter_batch(people["a"], ids["commitment"])
    edit_count(people["b"], record_id, "105")
    record_action(people["b"], record_id, "publish")
    record_action(people["a"], record_id, "publish")
    assert status_of(app, record_id) == "under_review"
    record_action(people["admin"], record_id, "publish")
    assert status_of(app, record_id) == "published"
