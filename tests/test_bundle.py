"""The process bundle: CLI export/import, round trip, all-or-nothing validation, demo load."""

import json

import pytest
from sqlalchemy import func, select

from tracker.cli import DEMO_BUNDLE
from tracker.extensions import db
from tracker.models import AuditEvent, ReleaseRecord, ViolenceReport


def counts(app) -> dict:
    with app.app_context():
        return {
            "releases": db.session.scalar(select(func.count()).select_from(ReleaseRecord)),
            "violence": db.session.scalar(select(func.count()).select_from(ViolenceReport)),
            "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def export(runner, tmp_path, name="export.json") -> dict:
    path = tmp_path / name
    result = runner.invoke(args=["export", "process", "afghanistan-2020", "-o", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def refused_import(app, runner, tmp_path, document: dict, name: str) -> str:
    """Import ``document`` as a bundle file that the CLI refuses whole; its output.

    The command exits 1 without a traceback and nothing is written, not even an audit event."""
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path), "--status", "under_review"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert counts(app) == {"releases": 0, "violence": 0, "audit": 0}
    return result.output


def test_demo_load_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "31 added" in first.output
    before = counts(app)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "0 added, 0 updated, 31 unchanged." in second.output
    assert counts(app) == before


def test_export_import_into_empty_tracker_export_again_is_identical(app, runner, tmp_path):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = export(runner, tmp_path, "first.json")
    assert first["process"]["slug"] == "afghanistan-2020"
    assert len(first["agreements"][0]["commitments"]) == 3

    from tests.conftest import wipe

    wipe(app)
    # Moving a process between trackers publishes without a second person: review off first.
    assert runner.invoke(args=["review", "off"]).exit_code == 0
    result = runner.invoke(args=["import", "process", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    second = export(runner, tmp_path, "second.json")
    first.pop("exported_at")
    second.pop("exported_at")
    assert second == first


def test_export_carries_sources_claims_and_statuses(demo, runner, tmp_path):
    document = export(runner, tmp_path)
    bagram = document["violence"][0]
    assert bagram["claimed_by"] == "Islamic State Khorasan Province"
    assert bagram["denied_by"] == "Taliban"
    assert bagram["verification"] == "disputed"
    releases = document["agreements"][0]["commitments"][0]["releases"]
    assert all(r["source_url"].startswith("http") for r in releases)
    assert all(r["status"] == "published" for r in releases)
    assert {s["url"] for s in document["sources"]} >= {r["source_url"] for r in releases}


def broken_bundle() -> dict:
    document = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    commitment = document["agreements"][0]["commitments"][0]
    commitment["releases"][3]["count"] = -5
    document["agreements"][0]["commitments"][1]["releases"][0]["date"] = "2020-13-45"
    commitment["obligated_party"] = "Nobody We Know"
    return document


def test_broken_bundle_names_every_json_path_and_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken_bundle()), encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path)])
    assert result.exit_code != 0
    assert (
        "agreements[0].commitments[0].releases[3].count: must be positive; got -5" in result.output
    )
    assert "agreements[0].commitments[1].releases[0].date: '2020-13-45' is not a real date" in (
        result.output
    )
    assert "agreements[0].commitments[0].obligated_party: 'Nobody We Know' is not a party" in (
        result.output
    )
    assert "nothing was imported" in result.output
    assert counts(app) == {"releases": 0, "violence": 0, "audit": 0}


def test_broken_bundle_leaves_existing_data_untouched(demo, runner, tmp_path):
    before = counts(demo)
    document = broken_bundle()
    document["process"]["name"] = "Renamed"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert runner.invoke(args=["import", "process", str(path)]).exit_code != 0
    assert counts(demo) == before
    with demo.app_context():
        from tracker.models import PeaceProcess

        assert db.session.scalar(select(PeaceProcess.name)) != "Renamed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"format": "something-else/2"}', "format: must be 'peace-process-tracker/1'"),
        ("[]", "the bundle must be a JSON object"),
    ],
)
def test_unreadable_bundles_get_a_clear_message(app, runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path)])
    assert result.exit_code != 0
    assert message in result.output


def test_import_status_option_overrides_the_bundle(app, runner, tmp_path):
    path = tmp_path / "demo.json"
    path.write_text(DEMO_BUNDLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path), "--status", "under_review"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statuses = set(db.session.scalars(select(ReleaseRecord.status)))
    assert statuses == {"under_review"}


def test_cli_import_is_audited_as_import_with_field_values(app, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        release_events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "release_record")
        ).all()
    assert actions == {"import"}
    assert len(release_events) == 15 + 4  # Afghanistan's, then the Yemen demo process's
    first = next(e for e in release_events if e.changes["date"]["after"] == "2020-04-08")
    assert first.changes["count"] == {"before": None, "after": 100}
    assert first.changes["kind"] == {"before": None, "after": "batch"}
    assert first.actor == "demo"


def test_unstorable_characters_anywhere_are_named_by_json_path(app, runner, tmp_path):
    document = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    document["process"]["name"] = "P\u0000x"
    document["agreements"][0]["commitments"][0]["releases"][2]["notes"] = "a \ud800 b"
    document["violence"][0]["ignored by the import"] = "\u0000"
    # The JSON text holds the escapes "\u0000" and "\ud800", as a bundle file would.
    output = refused_import(app, runner, tmp_path, document, "nul.json")
    assert (
        "process.name: holds a NUL character (U+0000), which cannot be stored; remove it" in output
    )
    assert (
        "agreements[0].commitments[0].releases[2].notes: holds an unpaired surrogate (U+D800)"
        in output
    )
    assert "violence[0].ignored by the import: holds a NUL character" in output
    assert "nothing was imported" in output


def test_source_names_and_titles_longer_than_their_columns_are_named_by_json_path(
    app, runner, tmp_path
):
    document = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    release = document["agreements"][0]["commitments"][0]["releases"][0]
    release["source_name"] = "P" * 250
    long_publisher = {"url": "https://example.org/a", "publisher": "Q" * 201}
    document["agreements"][0]["sources"] = [long_publisher]
    document["sources"][0]["title"] = "T" * 2001
    output = refused_import(app, runner, tmp_path, document, "long.json")
    assert (
        "agreements[0].commitments[0].releases[0].source_name: is 250 characters long; "
        "the limit is 200" in output
    )
    assert "agreements[0].sources[0].publisher: is 201 characters long" in output
    assert "sources[0].title: is 2,001 characters long; the limit is 2,000" in output
