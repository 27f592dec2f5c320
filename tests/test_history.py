"""Edit conflicts (optimistic locking) and each record's history: diffs, audited restore."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.records_support import form_values, make_process, post, text_of
from tracker.extensions import db
from tracker.models import AuditEvent, ReleaseRecord
from tracker.services.entry import trail


@pytest.fixture
def record_id(app, people):
    ids = make_process(app)
    response = post(
        people["a"],
        "/manage/release/new",
        {
            "commitment_id": str(ids["commitment"]),
            "kind": "batch",
            "date": "2020-04-08",
            "count": "100",
            "location": "Bagram",
            "sources-0-url": "https://example.org/one",
        },
    )
    return int(response.location.split("/")[-2])


def edit_data(page: str, **values) -> dict:
    """The hidden and text fields of a release form as a browser would send them."""
    data = form_values(page)
    for name in ("date", "count", "count_low", "count_high", "location"):
        match = re.search(rf'name="{name}" type="text" value="([^"]*)"', page)
        data[name] = match.group(1) if match else ""
    data.update(values)
    return data


def base_values(app, record_id) -> dict:
    with app.app_context():
        record = db.session.get(ReleaseRecord, record_id)
        return {
            "commitment_id": str(record.commitment_id),
            "kind": record.kind,
            "date_precision": record.date_precision,
            "verification": record.verification,
        }


def open_form(app, client, record_id) -> dict:
    page = client.get(f"/manage/release/{record_id}/edit").get_data(as_text=True)
    return {**edit_data(page), **base_values(app, record_id), "sources-0-url": ""}


def count_of(app, record_id) -> int:
    with app.app_context():
        return db.session.get(ReleaseRecord, record_id).count


def test_an_edit_over_someone_elses_change_is_refused_and_keeps_what_was_typed(
    app, people, record_id
):
    path = f"/manage/release/{record_id}/edit"
    form_a = open_form(app, people["a"], record_id)
    form_b = open_form(app, people["b"], record_id)
    saved = post(people["b"], path, {**form_b, "count": "120", "location": "Bagram prison"})
    assert saved.status_code == 302
    refused = post(people["a"], path, {**form_a, "count": "150", "notes": "A's careful notes"})
    assert refused.status_code == 409
    assert count_of(app, record_id) == 120
    text = text_of(refused)
    assert "Someone else changed this release record while you were editing" in text
    assert "b@example.org" in text
    assert "count 100 120" in text  # field, was, now
    assert "location Bagram Bagram prison" in text
    page = refused.get_data(as_text=True)
    assert 'value="150"' in page  # A's values are kept
    assert "A&#39;s careful notes" in page
    # Saving again from the refreshed form keeps A's version knowingly.
    again = post(people["a"], path, {**form_a, **form_values(page), "count": "150"})
    assert again.status_code == 302
    assert count_of(app, record_id) == 150


def test_audit_events_carry_before_and_after_values(app, people, record_id):
    path = f"/manage/release/{record_id}/edit"
    form = open_form(app, people["a"], record_id)
    post(people["a"], path, {**form, "count": "130", "sources-0-url": "https://example.org/two"})
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "release_record")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.action == "update"
        assert event.actor == "a@example.org"
        assert event.changes["count"] == {"before": 100, "after": 130}
        assert event.changes["sources"] == {
            "before": ["https://example.org/one"],
            "after": ["https://example.org/two"],
        }


def test_the_history_page_shows_readable_diffs(app, people, record_id):
    path = f"/manage/release/{record_id}/edit"
    form = open_form(app, people["a"], record_id)
    post(people["a"], path, {**form, "count": "130", "count_low": "120"})
    text = text_of(people["b"].get(f"/manage/release/{record_id}/history"))
    assert "Edited by a@example.org" in text
    assert "count 100 130" in text
    assert "low estimate – 120" in text
    assert "Created by a@example.org" in text
    # Codes and ids in words; fields left blank at creation are not listed as changes.
    creation = text[text.index("Created by a@example.org") :]
    assert "status – under review" in creation and "under_review" not in creation
    assert re.search(r"commitment .+ \(no\. \d+\)", creation)
    assert "notes" not in creation


def test_restoring_a_version_brings_back_its_values_and_is_audited(app, people, record_id):
    path = f"/manage/release/{record_id}/edit"
    form = open_form(app, people["a"], record_id)
    post(people["a"], path, {**form, "count": "130", "location": "Pul-e-Charkhi"})
    history = people["b"].get(f"/manage/release/{record_id}/history").get_data(as_text=True)
    restore_paths = re.findall(r'action="(/manage/release/\d+/history/\d+/restore)"', history)
    assert len(restore_paths) == 1  # only the creation is an older version
    version = re.search(r'name="version" value="(\d+)"', history).group(1)
    seen = re.search(r'name="seen" value="(\d+)"', history).group(1)
    history_path = f"/manage/release/{record_id}/history"
    response = post(
        people["b"], restore_paths[0], {"version": version, "seen": seen}, form_path=history_path
    )
    assert response.status_code == 302
    with app.app_context():
        record = db.session.get(ReleaseRecord, record_id)
        assert (record.count, record.location) == (100, "Bagram")
        assert [s.url for s in record.sources] == ["https://example.org/one"]
        assert record.status == "under_review"
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event.action == "revert"
        assert event.actor == "b@example.org"
        assert event.changes["count"] == {"before": 130, "after": 100}
    assert "Earlier version restored by b@example.org" in text_of(people["b"].get(history_path))


def test_a_stale_restore_is_refused(app, people, record_id):
    path = f"/manage/release/{record_id}/edit"
    history_path = f"/manage/release/{record_id}/history"
    history = people["b"].get(history_path).get_data(as_text=True)
    form = open_form(app, people["a"], record_id)
    post(people["a"], path, {**form, "count": "130"})
    post(people["a"], path, {**open_form(app, people["a"], record_id), "count": "140"})
    restore_path = re.findall(r'action="(/manage/release/\d+/history/\d+/restore)"', history)
    assert restore_path == []  # only one event when B opened it: nothing older to restore
    history = people["b"].get(history_path).get_data(as_text=True)
    first = re.findall(r'action="(/manage/release/\d+/history/\d+/restore)"', history)[-1]
    post(people["a"], path, {**open_form(app, people["a"], record_id), "count": "150"})
    response = post(people["b"], first, {"version": "2", "seen": "0"}, form_path=history_path)
    assert "Someone changed this record" in text_of(people["b"].get(response.location))
    assert count_of(app, record_id) == 150


def test_restoring_an_agreement_brings_back_its_signatories(app, people):
    ids = make_process(app)
    path = f"/manage/agreement/{ids['agreement']}/edit"
    data = {
        "process_id": str(ids["process"]),
        "key": "doha",
        "title": "Agreement for Bringing Peace to Afghanistan",
        "signed_on": "2020-02-29",
        "signatories": [str(ids["taliban"])],
    }
    page = people["a"].get(path).get_data(as_text=True)
    assert post(people["a"], path, {**data, **form_values(page)}).status_code == 302
    history_path = f"/manage/agreement/{ids['agreement']}/history"
    history = people["b"].get(history_path).get_data(as_text=True)
    assert "<del>Islamic Republic of Afghanistan</del>" in history
    restore = re.findall(r'action="(/manage/agreement/\d+/history/\d+/restore)"', history)[-1]
    version = re.search(r'name="version" value="(\d+)"', history).group(1)
    post(people["b"], restore, {"version": version}, form_path=history_path)
    with app.app_context():
        from tracker.models import Agreement

        agreement = db.session.get(Agreement, ids["agreement"])
        assert agreement.title == "An agreement"
        assert [p.name for p in agreement.signatories] == [
            "Islamic Republic of Afghanistan",
            "Taliban",
        ]


def test_restoring_an_imported_version_keeps_the_claims_the_import_wrote(
    app, people, runner, tmp_path
):
    """Imports record a report's claims in no audit event; a restore must not read that as
    "no claims" and delete them."""
    from tests import factories
    from tracker.models import ViolenceReport

    with app.app_context():
        factories.process(slug="any")
        db.session.commit()
    header = "event_date,event_type,actor1,location,fatalities,notes,claimed_by,denied_by\n"
    path = tmp_path / "reports.csv"
    path.write_text(header + "2020-03-03,Battles,Unknown,Bagram,5,first,ISIS-K,Taliban\n")
    args = ["import", "violence", str(path), "--process", "any"]
    assert runner.invoke(args=args).exit_code == 0
    path.write_text(header + "2020-03-03,Battles,Unknown,Bagram,5,second,ISIS-K,Taliban\n")
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        report = db.session.scalars(select(ViolenceReport)).one()
        assert (report.notes, len(report.claims)) == ("second", 2)
        # The first version: the import's one event, which lists the report's id.
        first_event = trail.record_events(ViolenceReport, report.id)[0]
        assert first_event.action == "import"
        report_id, event_id = report.id, first_event.id
    history = f"/manage/violence/{report_id}/history"
    response = post(people["a"], f"{history}/{event_id}/restore", {}, form_path=history)
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        report = db.session.get(ViolenceReport, report_id)
        assert report.notes == "first"
        assert sorted((c.actor, c.stance) for c in report.claims) == [
            ("ISIS-K", "claimed"),
            ("Taliban", "denied"),
        ]


def test_restoring_a_version_keeps_every_source_of_each_claim(app, people):
    from tests.test_records_violence import report_data
    from tracker.models import ViolenceReport

    ids = make_process(app)
    data = report_data(
        ids, **{"claims-0-source_url": "https://example.org/a; https://example.org/b"}
    )
    created = post(people["a"], "/manage/violence/new", data)
    assert created.status_code == 302, text_of(created)
    report_id = int(created.location.rstrip("/").split("/")[-2])
    edit = f"/manage/violence/{report_id}/edit"
    page = people["a"].get(edit).get_data(as_text=True)
    post(people["a"], edit, {**data, **form_values(page), "notes": "Changed."})
    with app.app_context():
        creation = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "violence_report", AuditEvent.entity_id == report_id)
            .order_by(AuditEvent.id)
        ).first()
        event_id = creation.id
    history = f"/manage/violence/{report_id}/history"
    restored = post(people["b"], f"{history}/{event_id}/restore", {}, form_path=history)
    assert restored.status_code == 302, text_of(restored)
    with app.app_context():
        claim = db.session.get(ViolenceReport, report_id).claims[0]
        assert sorted(source.url for source in claim.sources) == [
            "https://example.org/a",
            "https://example.org/b",
        ]
