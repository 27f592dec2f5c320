"""Exports: CSV in the import format (round trip into an empty tracker), formula cells
neutralised, the process bundle over the web, and who gets which records."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import wipe
from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess

ACLED = Path(__file__).parent / "data" / "acled_afghanistan_2020.csv"


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def make_process(app, slug: str = "afg") -> None:
    with app.app_context():
        factories.process(slug=slug)
        db.session.commit()


def review_off(runner) -> None:
    """Importing as published skips the second person: only with review off (audited)."""
    assert runner.invoke(args=["review", "off"]).exit_code == 0


def export_violence(runner, client, auth, make_user) -> str:
    """The violence CSV as a researcher downloads it (everything)."""
    make_user()
    auth.login()
    response = client.get("/exports/processes/afg/violence.csv")
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.get_data(as_text=True)


def test_violence_csv_round_trip_into_an_empty_tracker(app, runner, client, auth, make_user):
    make_process(app)
    review_off(runner)
    assert (
        runner.invoke(
            args=["import", "violence", str(ACLED), "--process", "afg", "--status", "published"]
        ).exit_code
        == 0
    )
    first = export_violence(runner, client, auth, make_user)
    assert len(csv_rows(first)) == 400

    wipe(app)
    make_process(app)
    review_off(runner)
    path = Path(app.instance_path).parent / ".pytest-roundtrip.csv"
    try:
        path.write_text(first, encoding="utf-8")
        result = runner.invoke(
            args=["import", "violence", str(path), "--process", "afg", "--status", "published"]
        )
        assert "400 added, 0 updated, 0 unchanged" in result.output, result.output
        again = runner.invoke(args=["import", "violence", str(path), "--process", "afg"])
        assert "0 added, 0 updated, 400 unchanged" in again.output
    finally:
        path.unlink(missing_ok=True)
    second = export_violence(runner, client, auth, make_user)
    assert second == first


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(
    app, runner, client, tmp_path
):
    with app.app_context():
        process = factories.process(slug="afg")
        factories.violence(
            process,
            date(2020, 4, 9),
            event_id_cnty="AFG1",
            actor1='=HYPERLINK("http://evil.example","click")',
            notes="@SUM(A1) and more",
            actor2="+cmd|' /C calc'!A0",
            admin1="-2+3",
            location="'=already quoted",
            latitude=-33.5,
            longitude=70.1,
        )
        db.session.commit()
    text = client.get("/exports/processes/afg/violence.csv").get_data(as_text=True)
    row = csv_rows(text)[0]
    assert row["actor1"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["notes"] == "'@SUM(A1) and more"
    assert row["actor2"].startswith("'+") and row["admin1"] == "'-2+3"
    assert row["location"] == "''=already quoted"
    assert row["latitude"] == "-33.5"  # a number is not a formula

    wipe(app)
    make_process(app)
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    assert runner.invoke(args=["import", "violence", str(path), "--process", "afg"]).exit_code == 0
    with app.app_context():
        report = db.session.scalar(db.select(factories.ViolenceReport))
        assert report.actor1 == '=HYPERLINK("http://evil.example","click")'
        assert report.notes == "@SUM(A1) and more"
        assert (report.admin1, report.location) == ("-2+3", "'=already quoted")


def test_violence_export_takes_the_list_filters(app, client):
    with app.app_context():
        process = factories.process(slug="afg")
        factories.violence(process, date(2020, 4, 9), event_type="Battles")
        factories.violence(
            process, date(2020, 5, 9), event_type="Riots", sub_event_type="Mob violence"
        )
        db.session.commit()
    rows = csv_rows(
        client.get("/exports/processes/afg/violence.csv?event_type=Riots").get_data(as_text=True)
    )
    assert [r["event_type"] for r in rows] == ["Riots"]
    rows = csv_rows(
        client.get("/exports/processes/afg/violence.csv?to=2020-04-30").get_data(as_text=True)
    )
    assert [r["event_date"] for r in rows] == ["2020-04-09"]
    assert client.get("/exports/processes/afg/violence.csv?from=soon").status_code == 400


def test_release_csv_round_trip(app, runner, client, tmp_path):
    with app.app_context():
        commitment = factories.commitment(factories.agreement(factories.process(slug="p")))
        source = factories.source("https://example.org/report", "UNAMA")
        factories.release(commitment, date(2020, 4, 8), 100, sources=[source], notes="Bagram")
        factories.release(commitment, date(2020, 4, 13), 361, kind="cumulative", count_low=350)
        db.session.commit()
        commitment_id = commitment.id
    first = client.get(f"/exports/commitments/{commitment_id}/releases.csv").get_data(as_text=True)
    assert [r["count"] for r in csv_rows(first)] == ["100", "361"]
    assert csv_rows(first)[0]["source_name"] == "UNAMA"

    wipe(app)
    with app.app_context():
        fresh = factories.commitment(factories.agreement(factories.process(slug="p")))
        db.session.commit()
        fresh_id = fresh.id
    path = tmp_path / "releases.csv"
    path.write_text(first, encoding="utf-8")
    review_off(runner)
    result = runner.invoke(
        args=["import", "releases", str(path), "--commitment", str(fresh_id), "--status",
              "published"]
    )  # fmt: skip
    assert "2 added" in result.output, result.output
    second = client.get(f"/exports/commitments/{fresh_id}/releases.csv").get_data(as_text=True)
    assert second == first


def test_public_exports_hold_published_records_only(demo, client, auth, make_user):
    with demo.app_context():
        process = db.session.scalar(db.select(PeaceProcess))
        factories.violence(process, date(2020, 4, 1), status="under_review", actor1="Draft")
        commitment = db.session.scalar(db.select(Commitment).where(Commitment.target == 5000))
        factories.release(commitment, date(2020, 9, 3), 1, status="under_review", notes="Draft")
        db.session.commit()
        commitment_id = commitment.id
    public = client.get("/exports/processes/afghanistan-2020.json")
    bundle = json.loads(public.data)
    assert all(v["status"] == "published" for v in bundle["violence"])
    assert "Draft" not in public.get_data(as_text=True)
    csv_text = client.get("/exports/processes/afghanistan-2020/violence.csv").get_data(as_text=True)
    assert "Draft" not in csv_text
    releases = client.get(f"/exports/commitments/{commitment_id}/releases.csv")
    assert "Draft" not in releases.get_data(as_text=True)

    make_user()
    auth.login()
    everything = json.loads(client.get("/exports/processes/afghanistan-2020.json").data)
    assert len(everything["violence"]) == len(bundle["violence"]) + 1
    assert "Draft" in client.get(f"/exports/commitments/{commitment_id}/releases.csv").get_data(
        as_text=True
    )
    assert client.get("/exports/processes/afghanistan-2020.json").headers["Cache-Control"] == (
        "private, no-store"
    )


def test_bundle_download_round_trip(demo, client, runner, tmp_path):
    first = client.get("/exports/processes/afghanistan-2020.json").get_json()
    wipe(demo)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    review_off(runner)
    assert runner.invoke(args=["import", "process", str(path)]).exit_code == 0
    second = client.get("/exports/processes/afghanistan-2020.json").get_json()
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


@pytest.mark.parametrize(
    "path",
    [
        "/exports/processes/hidden.json",
        "/exports/processes/hidden/violence.csv",
        "/exports/processes/NOPE.json",
        "/exports/commitments/999999999999/releases.csv",
    ],
)
def test_unpublished_or_unknown_things_are_404_for_viewers(app, client, path):
    make_process(app, "hidden")
    with app.app_context():
        db.session.scalar(db.select(PeaceProcess)).status = "under_review"
        db.session.commit()
    assert client.get(path).status_code == 404


def test_exports_page_lists_downloads(demo, client):
    page = client.get("/exports").get_data(as_text=True)
    assert "/exports/processes/afghanistan-2020.json" in page
    assert "/exports/processes/afghanistan-2020/violence.csv" in page
    assert page.count("releases.csv") == 2
