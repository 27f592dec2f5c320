"""Revisions: a published record keeps its public version while a change waits, and nothing
publishes a change without a second person (forms, archive and restore, history, CSV and
bundle imports, the command line), unless an admin turned review off (audited)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from flask_login import login_user
from sqlalchemy import select, update

from tests import factories
from tests.conftest import AuthActions
from tests.records_support import form_values, make_process, post, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, ReleaseRecord, Revision, User, ViolenceReport
from tracker.services.entry import review

REAL = Path("/work/shared/data/afghanistan-2020/releases-government.csv")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ids(app):
    """The small process, with a published batch of 150 and one of 5,197 - 150."""
    ids = make_process(app)
    with app.app_context():
        from tracker.models import Commitment

        commitment = db.session.get(Commitment, ids["commitment"])
        first = factories.release(commitment, date(2020, 4, 8), 150, location="Bagram")
        factories.release(commitment, date(2020, 8, 14), 5047, location="Kabul")
        db.session.commit()
        ids["record"] = first.id
    return ids


def edit_path(record_id: int) -> str:
    return f"/manage/release/{record_id}/edit"


def edit(client, record_id: int, **changes):
    """Open the record's form like a browser and save it with ``changes``."""
    page = client.get(edit_path(record_id)).get_data(as_text=True)
    data = {
        "commitment_id": re.search(r'<option selected value="(\d+)">', page).group(1),
        "kind": "batch",
        "date": re.search(r'name="date"[^>]*value="([^"]*)"', page).group(1),
        "count": re.search(r'name="count"[^>]*value="([^"]*)"', page).group(1),
        "location": re.search(r'name="location"[^>]*value="([^"]*)"', page).group(1),
        **form_values(page),
        "confirm_warnings": "y",  # over the target of 5,000: the warning is confirmed
        **changes,
    }
    return post(client, edit_path(record_id), data)


def act(client, record_id: int, verb: str):
    return post(client, f"/manage/release/{record_id}/{verb}", {}, form_path=edit_path(record_id))


def public_total(client, ids) -> int:
    return client.get(f"/api/v1/commitments/{ids['commitment']}/progress").get_json()["achieved"]


def stored(app, record_id: int) -> tuple[str, int]:
    with app.app_context():
        record = db.session.get(ReleaseRecord, record_id)
        return record.status, record.count


def test_editing_a_published_batch_keeps_the_public_total_and_page_until_b_publishes(
    app, people, ids, client
):
    record_page = f"/processes/afghanistan-2020/releases/{ids['record']}"
    assert public_total(client, ids) == 5197
    assert edit(people["a"], ids["record"], count="160").status_code == 302
    assert public_total(client, ids) == 5197
    assert client.get(record_page).status_code == 200
    assert "150" in text_of(client.get(record_page))
    assert "5,197" in text_of(client.get("/"))
    # A's form goes on from the pending change; A may not publish it.
    assert 'name="count" type="text" value="160"' in people["a"].get(edit_path(ids["record"])).text
    act(people["a"], ids["record"], "publish")
    assert public_total(client, ids) == 5197
    act(people["b"], ids["record"], "publish")
    assert public_total(client, ids) == 5207
    assert stored(app, ids["record"]) == ("published", 160)
    with app.app_context():
        assert db.session.scalars(select(Revision)).all() == []
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor) == ("publish", "b@example.org")
        assert event.changes["count"] == {"before": 150, "after": 160}
        assert event.changes["authors"]["after"] == ["a@example.org"]


def test_archive_edit_restore_does_not_publish_without_a_second_person(app, people, ids, client):
    act(people["a"], ids["record"], "archive")
    edit(people["a"], ids["record"], count="999")
    act(people["a"], ids["record"], "restore")
    act(people["a"], ids["record"], "publish")
    assert stored(app, ids["record"]) == ("published", 150)
    assert public_total(client, ids) == 5197
    page = people["b"].get(edit_path(ids["record"])).text
    assert "A change to this release record waits for review" in page
    act(people["b"], ids["record"], "publish")
    assert stored(app, ids["record"]) == ("published", 999)


def test_the_archived_state_is_public_only_once_a_second_person_publishes_it(
    app, people, ids, client
):
    act(people["a"], ids["record"], "archive")
    assert public_total(client, ids) == 5197
    act(people["b"], ids["record"], "publish")
    assert stored(app, ids["record"])[0] == "archived"
    assert public_total(client, ids) == 5047
    assert client.get(f"/processes/afghanistan-2020/releases/{ids['record']}").status_code == 404


def upload_csv(client, target: str, content: bytes, status: str = "under_review"):
    token = AuthActions(client).csrf_token("/imports")
    response = client.post(
        "/imports",
        data={
            "csrf_token": token,
            "target": target,
            "status": status,
            "file": (io.BytesIO(content), "releases-government.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    preview = response.headers["Location"]
    token = AuthActions(client).csrf_token(preview)
    done = client.post(f"{preview}/confirm", data={"csrf_token": token})
    assert done.status_code == 302, done.text
    return done


def test_a_csv_upload_that_changes_a_published_record_waits_for_someone_else(
    app, people, client, runner
):
    ids = make_process(app)
    result = runner.invoke(
        args=["import", "releases", str(REAL), "--commitment", str(ids["commitment"])]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():  # published earlier by a second person
        db.session.execute(update(ReleaseRecord).values(status="published"))
        db.session.commit()
    before = public_total(client, ids)
    lines = REAL.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",reported,", ",corroborated,")
    upload_csv(people["a"], f"releases:{ids['commitment']}", "\n".join(lines).encode())
    with app.app_context():
        first = db.session.scalar(select(ReleaseRecord).order_by(ReleaseRecord.date).limit(1))
        assert (first.status, first.verification) == ("published", "reported")
        revision = db.session.scalars(select(Revision)).one()
        assert revision.values["verification"] == "corroborated"
        assert revision.batch.startswith("releases-government.csv into ")
        record_id = first.id
    act(people["a"], record_id, "publish")
    with app.app_context():
        assert db.session.get(ReleaseRecord, record_id).verification == "reported"
    act(people["b"], record_id, "publish")
    with app.app_context():
        assert db.session.get(ReleaseRecord, record_id).verification == "corroborated"
    assert public_total(client, ids) == before


def test_an_upload_cannot_choose_published_while_review_is_required(app, people):
    ids = make_process(app)
    page = people["admin"].get("/imports").text
    assert 'value="published"' not in page
    response = people["admin"].post(
        "/imports",
        data={
            "csrf_token": AuthActions(people["admin"]).csrf_token("/imports"),
            "target": f"releases:{ids['commitment']}",
            "status": "published",
            "file": (io.BytesIO(REAL.read_bytes()), "releases-government.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ReleaseRecord)).all() == []


def test_the_command_line_cannot_publish_while_review_is_required(app, runner):
    ids = make_process(app)
    args = ["import", "releases", str(REAL), "--commitment", str(ids["commitment"])]
    result = runner.invoke(args=[*args, "--status", "published"])
    assert result.exit_code == 1
    assert "publishing needs a second person" in result.output
    with app.app_context():
        assert db.session.scalars(select(ReleaseRecord)).all() == []
    assert runner.invoke(args=["review", "off"]).exit_code == 0
    result = runner.invoke(args=[*args, "--status", "published"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.scalars(select(ReleaseRecord.status))) == {"published"}
        switch = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "setting"))
        assert [(e.actor, e.changes) for e in switch] == [
            ("cli", {"review_required": {"before": True, "after": False}})
        ]


def test_a_bundle_cannot_publish_new_records_and_its_changes_become_revisions(
    app, demo, runner, tmp_path, client
):
    path = tmp_path / "bundle.json"
    exported = runner.invoke(args=["export", "process", "afghanistan-2020", "-o", str(path)])
    assert exported.exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    releases = document["agreements"][0]["commitments"][0]["releases"]
    releases[0]["notes"] = "Changed by a bundle."
    new = {**releases[-1], "date": "2020-09-30", "count": 7, "status": "published"}
    releases.append(new)
    path.write_text(json.dumps(document), encoding="utf-8")
    refused = runner.invoke(args=["import", "process", str(path)])
    assert refused.exit_code == 1 and "publishing needs a second person" in refused.output
    with app.app_context():
        assert db.session.scalars(select(Revision)).all() == []
        assert db.session.scalar(select(ReleaseRecord).where(ReleaseRecord.count == 7)) is None
    releases.pop()
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        revision = db.session.scalars(select(Revision)).one()
        assert revision.values["notes"] == "Changed by a bundle."
        record = db.session.get(ReleaseRecord, revision.entity_id)
        assert record.status == "published" and record.notes != "Changed by a bundle."


def test_a_history_restore_of_a_published_record_waits_for_review(app, people, ids, client):
    edit(people["a"], ids["record"], count="160")
    act(people["b"], ids["record"], "publish")
    history_path = f"/manage/release/{ids['record']}/history"
    history = people["a"].get(history_path).text
    first = re.findall(r'action="(/manage/release/\d+/history/\d+/restore)"', history)[-1]
    version = re.search(r'name="version" value="(\d+)"', history).group(1)
    post(people["a"], first, {"version": version}, form_path=history_path)
    assert stored(app, ids["record"]) == ("published", 160)
    act(people["a"], ids["record"], "publish")
    assert stored(app, ids["record"]) == ("published", 160)
    act(people["b"], ids["record"], "publish")
    assert stored(app, ids["record"]) == ("published", 150)


def test_a_write_to_a_published_record_outside_publish_is_refused(app, ids, make_user):
    user_id = make_user("a@example.org")
    with app.test_request_context():
        login_user(db.session.get(User, user_id))
        record = db.session.get(ReleaseRecord, ids["record"])
        record.count = 1
        with pytest.raises(review.PublicationRefusedError):
            db.session.flush()
        db.session.rollback()
        draft = ReleaseRecord(
            commitment_id=ids["commitment"], date=date(2020, 5, 1), count=3, status="published"
        )
        db.session.add(draft)
        with pytest.raises(review.PublicationRefusedError):
            db.session.flush()
        db.session.rollback()
    assert stored(app, ids["record"]) == ("published", 150)


def test_turning_review_off_is_audited_and_lets_an_author_publish(app, people, ids, client):
    post(people["admin"], "/manage/settings", {})
    edit(people["a"], ids["record"], count="170")
    assert stored(app, ids["record"]) == ("published", 170)
    with app.app_context():
        switch = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "setting"))
        assert [(e.actor, e.changes["review_required"]["after"]) for e in switch] == [
            ("admin@example.org", False)
        ]


def load_migration():
    path = ROOT / "migrations" / "versions" / "i10_revisions_pending_revisions.py"
    spec = importlib.util.spec_from_file_location("i10_revisions_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_gives_bounced_records_back_their_published_version(app, ids, make_user):
    """Before revisions, an edit took a published record off the site; the migration puts the
    published values back and keeps the edit as the pending revision."""
    user_id = make_user("a@example.org")
    with app.app_context():
        record_id = ids["record"]
        db.session.add_all(
            [
                AuditEvent(
                    action="publish",
                    entity_type="release_record",
                    entity_id=record_id,
                    changes={"status": {"before": "under_review", "after": "published"}},
                ),
                AuditEvent(
                    action="update",
                    user_id=user_id,
                    entity_type="release_record",
                    entity_id=record_id,
                    changes={
                        "count": {"before": 150, "after": 160},
                        "status": {"before": "published", "after": "under_review"},
                    },
                ),
            ]
        )
        db.session.execute(
            update(ReleaseRecord)
            .where(ReleaseRecord.id == record_id)
            .values(count=160, status="under_review")
        )
        db.session.commit()
        with db.engine.begin() as connection:
            load_migration().move_bounced_records(connection)
        db.session.expire_all()
        record = db.session.get(ReleaseRecord, record_id)
        assert (record.status, record.count) == ("published", 150)
        revision = db.session.scalars(select(Revision)).one()
        assert (revision.values["count"], revision.author_ids) == (160, [user_id])


def test_an_import_as_under_review_leaves_unchanged_published_records_published(
    app, demo, runner, tmp_path, client
):
    """What the import's error tells researchers to do works: --status under_review on a file
    that changes one published record proposes that change, and leaves the others public."""
    path = tmp_path / "bundle.json"
    runner.invoke(args=["export", "process", "afghanistan-2020", "-o", str(path)])
    document = json.loads(path.read_text(encoding="utf-8"))
    releases = document["agreements"][0]["commitments"][0]["releases"]
    releases[0]["notes"] = "Changed by a bundle."
    path.write_text(json.dumps(document), encoding="utf-8")
    before = client.get("/api/v1/processes/afghanistan-2020").get_json()
    result = runner.invoke(args=["import", "process", str(path), "--status", "under_review"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        revision = db.session.scalars(select(Revision)).one()
        assert revision.values["notes"] == "Changed by a bundle."
        statuses = set(db.session.scalars(select(ReleaseRecord.status)))
        assert statuses == {"published"}
    assert client.get("/api/v1/processes/afghanistan-2020").get_json() == before


def test_an_import_adds_its_change_to_a_waiting_edit_instead_of_replacing_it(
    app, people, client, runner
):
    ids = make_process(app)
    assert (
        runner.invoke(
            args=["import", "releases", str(REAL), "--commitment", str(ids["commitment"])]
        ).exit_code
        == 0
    )
    with app.app_context():  # published earlier by a second person
        db.session.execute(update(ReleaseRecord).values(status="published"))
        db.session.commit()
        first = db.session.scalar(select(ReleaseRecord).order_by(ReleaseRecord.date).limit(1))
        record_id = first.id
    # A proposes a note on the published batch; then B uploads a file that corroborates it.
    assert edit(people["a"], record_id, notes="A's careful note").status_code == 302
    lines = REAL.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",reported,", ",corroborated,")
    upload_csv(people["b"], f"releases:{ids['commitment']}", "\n".join(lines).encode())
    with app.app_context():
        revision = db.session.scalars(select(Revision)).one()
        assert revision.values["notes"] == "A's careful note"
        assert revision.values["verification"] == "corroborated"
        authors = {db.session.get(User, user_id).email for user_id in revision.author_ids}
        assert authors == {"a@example.org", "b@example.org"}


def test_a_reimport_proposes_every_column_it_changes_and_publishing_writes_them(
    app, people, runner, tmp_path
):
    """Columns no form edits (ACLED's source, tags, ...) travel in the revision too."""
    import csv as csv_module

    formats = ROOT / "tests" / "data" / "formats"
    with app.app_context():
        factories.process(slug="any")
        db.session.commit()
    first = runner.invoke(
        args=["import", "violence", str(formats / "acled_today.csv"), "--process", "any"]
    )
    assert first.exit_code == 0, first.output
    with app.app_context():
        db.session.execute(update(ViolenceReport).values(status="published"))
        db.session.commit()
    with open(formats / "acled_today.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv_module.DictReader(handle))
    rows[0]["source"], rows[0]["tags"] = "AFP; Reuters", "crowd size=no report"
    changed = tmp_path / "acled_changed.csv"
    with open(changed, "w", encoding="utf-8", newline="") as handle:
        writer = csv_module.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    again = runner.invoke(args=["import", "violence", str(changed), "--process", "any"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        report = db.session.scalar(
            select(ViolenceReport).where(ViolenceReport.event_id_cnty == rows[0]["event_id_cnty"])
        )
        assert (report.status, report.source) == ("published", "AFP")  # the public version
        revision = db.session.scalars(select(Revision)).one()
        assert (revision.values["source"], revision.values["tags"]) == (
            "AFP; Reuters",
            "crowd size=no report",
        )
        report_id = report.id
    path = f"/manage/violence/{report_id}/edit"
    post(people["b"], f"/manage/violence/{report_id}/publish", {}, form_path=path)
    with app.app_context():
        report = db.session.get(ViolenceReport, report_id)
        assert (report.source, report.tags) == ("AFP; Reuters", "crowd size=no report")
