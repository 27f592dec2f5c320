"""CSV imports from the command line: ACLED exports as they come, release records, and the
corpus of broken files, each rejected with its line and column and nothing written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, PeaceProcess, ReleaseRecord, Source, ViolenceReport

DATA = Path(__file__).parent / "data"
HEADER = "event_id_cnty,event_date,event_type,sub_event_type,actor1,location,fatalities"


@pytest.fixture
def process(app):
    """An empty published process to import into."""
    with app.app_context():
        factories.process(slug="afg")
        db.session.commit()
    return "afg"


def count_reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ViolenceReport))


def import_violence(runner, path, *extra):
    return runner.invoke(args=["import", "violence", str(path), "--process", "afg", *extra])


def write(tmp_path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_acled_export_imports_and_reimport_adds_nothing(app, runner, process):
    result = import_violence(runner, DATA / "acled_afghanistan_2020.csv")
    assert result.exit_code == 0, result.output
    assert "400 added, 0 updated, 0 unchanged" in result.output
    again = import_violence(runner, DATA / "acled_afghanistan_2020.csv")
    assert "0 added, 0 updated, 400 unchanged" in again.output
    assert count_reports(app) == 400
    with app.app_context():
        statuses = set(db.session.scalars(select(ViolenceReport.status)))
        assert statuses == {"under_review"}
        multiline = db.session.scalar(
            select(ViolenceReport).where(ViolenceReport.event_id_cnty == "AFG40017")
        )
        assert "\nSecond paragraph" in multiline.notes and "کابل" in multiline.notes
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "import")
        ).all()
        assert len(events) == 2 and events[0].changes["added"] == 400


def test_reimport_updates_by_event_id_and_takes_the_chosen_status(app, runner, process, tmp_path):
    first = write(tmp_path, f"{HEADER}\nAFG1,2020-04-09,Battles,Armed clash,Taliban,Kabul,2\n")
    assert import_violence(runner, first).exit_code == 0
    changed = write(
        tmp_path,
        f"{HEADER}\nAFG1,09 April 2020,Battles,Armed clash,Taliban,Kabul,5\n",
        "changed.csv",
    )
    assert runner.invoke(args=["review", "off"]).exit_code == 0  # publishing needs it off
    result = import_violence(runner, changed, "--status", "published")
    assert "0 added, 1 updated, 0 unchanged" in result.output
    with app.app_context():
        report = db.session.scalar(select(ViolenceReport))
        assert (report.fatalities, report.status) == (5, "published")


def test_any_column_order_extra_columns_bom_and_lists(app, runner, process, tmp_path):
    text = (
        "\ufeffnotes,fatalities,location,tags,actor1,event_type,event_date,source_url,"
        "claimed_by,denied_by\n"
        '"Rockets hit the base,\nno casualties",0,Bagram,whatever,Islamic State (Afghanistan),'
        "Explosions/Remote violence,09 April 2020,"
        "https://example.org/a; https://example.org/b,ISIS-K,Taliban ; \n"
    )
    result = import_violence(runner, write(tmp_path, text))
    assert result.exit_code == 0, result.output
    with app.app_context():
        report = db.session.scalar(select(ViolenceReport))
        assert report.notes == "Rockets hit the base,\nno casualties"
        assert [s.url for s in report.sources] == ["https://example.org/a", "https://example.org/b"]
        assert {(c.actor, c.stance) for c in report.claims} == {
            ("ISIS-K", "claimed"),
            ("Taliban", "denied"),
        }


BROKEN = {
    "bad_date.csv": (3, "event_date", "not a real date"),
    "bad_date_words.csv": (3, "event_date", "use 2020-04-09 or 09 April 2020"),
    "negative_fatalities.csv": (3, "fatalities", "at least 0"),
    "non_numeric_fatalities.csv": (3, "fatalities", "not a whole number"),
    "unknown_event_type.csv": (3, "event_type", "'Skirmish' is not one of"),
    "sub_event_of_other_type.csv": (3, "sub_event_type", "not a sub-event type of"),
    "latitude_out_of_range.csv": (3, "latitude", "between -90 and 90"),
    "missing_required_column.csv": (1, "actor1", "required column is missing"),
    "header_only.csv": (2, None, "header but no rows"),
    "empty.csv": (1, None, "the file is empty"),
    "duplicate_event_id.csv": (3, "event_id_cnty", "already on line 2"),
    "semicolon_delimited.csv": (1, None, "separated by semicolons"),
    "latin1.csv": (3, "location", "not UTF-8"),
    "missing_actor.csv": (3, "actor1", "is required"),
    "future_date.csv": (3, "event_date", "in the future"),
    "bad_source_url.csv": (3, "source_url", "not a web address"),
    "low_above_best.csv": (3, "fatalities_low", "more than fatalities"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_rejected_with_line_and_column_and_nothing_written(
    app, runner, process, name
):
    line, column, reason = BROKEN[name]
    result = import_violence(runner, DATA / "broken" / name)
    assert result.exit_code == 1
    where = f"line {line}" + (f", column {column}" if column else "")
    assert f"{name}: {where}: " in result.output and reason in result.output, result.output
    assert "nothing was imported" in result.output
    assert count_reports(app) == 0


def test_ten_megabyte_notes_field_is_rejected_by_column(app, runner, process, tmp_path):
    notes = "x" * (10 * 1024 * 1024)
    path = write(
        tmp_path,
        f"{HEADER},notes\nAFG1,2020-04-09,Battles,Armed clash,Taliban,Kabul,1,\n"
        f'AFG2,2020-04-09,Battles,Armed clash,Taliban,Kabul,1,"{notes}"\n',
    )
    result = import_violence(runner, path)
    assert result.exit_code == 1
    assert "line 3, column notes: is 10,485,760 characters long; the limit is 10,000" in (
        result.output
    )
    assert count_reports(app) == 0


def test_source_url_with_an_unclosed_ipv6_bracket_is_named_not_a_crash(
    app, runner, process, tmp_path
):
    path = write(
        tmp_path,
        f"{HEADER},source_url\nAFG1,2020-04-09,Battles,Armed clash,Taliban,Kabul,1,https://[::1\n",
    )
    result = import_violence(runner, path)
    assert (
        result.exit_code == 1
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    ), result.output
    assert "line 2, column source_url: 'https://[::1' is not a well-formed web address" in (
        result.output
    )
    assert count_reports(app) == 0


def test_error_listing_stops_at_100_and_counts_the_rest(app, runner, process, tmp_path):
    rows = "".join(f"AFG{n},2020-04-09,Battles,Armed clash,Taliban,Kabul,-1\n" for n in range(130))
    result = import_violence(runner, write(tmp_path, f"{HEADER}\n{rows}"))
    assert result.exit_code == 1
    assert result.output.count("column fatalities") == 100
    assert "line 101, column fatalities" in result.output
    assert "... and 30 more error(s) not listed." in result.output
    assert "130 error(s); nothing was imported." in result.output


def test_one_bad_row_after_many_good_ones_writes_nothing(app, runner, process, tmp_path):
    rows = "".join(f"AFG{n},2020-04-09,Battles,Armed clash,Taliban,Kabul,1\n" for n in range(1200))
    bad = "AFGX,2020-04-09,Battles,Armed clash,Taliban,Kabul,lots\n"
    result = import_violence(runner, write(tmp_path, f"{HEADER}\n{rows}{bad}"))
    assert result.exit_code == 1 and "line 1202, column fatalities" in result.output
    assert count_reports(app) == 0


def test_formula_cell_is_stored_literally(app, runner, process, tmp_path):
    text = f'{HEADER},notes\nAFG1,2020-04-09,Battles,,"=HYPERLINK(""http://x"")",Kabul,0,@SUM(1)\n'
    assert import_violence(runner, write(tmp_path, text)).exit_code == 0
    with app.app_context():
        report = db.session.scalar(select(ViolenceReport))
        assert report.actor1 == '=HYPERLINK("http://x")' and report.notes == "@SUM(1)"


def test_unknown_process_is_an_error(runner, app, tmp_path):
    result = import_violence(runner, write(tmp_path, f"{HEADER}\n"))
    assert result.exit_code == 1 and "no process with slug 'afg'" in result.output


def import_releases(runner, path, commitment_id, *extra):
    return runner.invoke(
        args=["import", "releases", str(path), "--commitment", str(commitment_id), *extra]
    )


def test_release_records_import_and_reimport(app, runner, commitment_id, tmp_path):
    text = (
        "date,kind,count,count_low,source_url,source_name,notes\n"
        "2020-04-08,batch,100,,https://example.org/a,Reuters,From Bagram\n"
        "13 April 2020,cumulative,361,350,,,\n"
    )
    path = write(tmp_path, text)
    assert runner.invoke(args=["review", "off"]).exit_code == 0  # publishing needs it off
    result = import_releases(runner, path, commitment_id, "--status", "published")
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged" in result.output
    again = import_releases(runner, path, commitment_id)
    assert "0 added, 0 updated, 2 unchanged" in again.output
    with app.app_context():
        records = db.session.scalars(select(ReleaseRecord).order_by(ReleaseRecord.date)).all()
        assert [(r.kind, r.count, r.status) for r in records] == [
            ("batch", 100, "published"),
            ("cumulative", 361, "published"),
        ]
        assert records[0].sources[0].publisher == "Reuters"


def test_bad_release_rows_are_named(app, runner, commitment_id, tmp_path):
    text = "date,kind,count\n2020-04-08,batch,0\n2020-04-09,weekly,5\n"
    result = import_releases(runner, write(tmp_path, text), commitment_id)
    assert result.exit_code == 1
    assert "line 2, column count: must be positive; got 0" in result.output
    assert "line 3, column kind: 'weekly' is not one of: batch, cumulative" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0


def test_line_numbers_count_lines_inside_quoted_notes(app, runner, process, tmp_path):
    text = (
        f"{HEADER},notes\n"
        'AFG1,2020-04-09,Battles,Armed clash,Taliban,Kabul,1,"first line\nsecond\nthird"\n'
        "AFG2,2020-04-09,Battles,Armed clash,Taliban,Kabul,many,\n"
    )
    result = import_violence(runner, write(tmp_path, text))
    assert "line 5, column fatalities" in result.output, result.output


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Rows are written two at a time, so a short file crosses several chunk boundaries."""
    from tracker.services.interchange import csv_import

    monkeypatch.setattr(csv_import, "CHUNK", 2)


def violence_events(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_type == "violence_report")
                .order_by(AuditEvent.id)
            )
        )


def test_reimport_across_chunks_matches_by_id_and_by_date_place_type_actor(
    app, runner, process, tmp_path, tiny_chunks
):
    with app.app_context():
        other = factories.process(slug="other")
        factories.violence(other, date(2020, 4, 10), event_id_cnty="AFG2", location="Herat")
        db.session.commit()
    header = f"{HEADER},source_url,claimed_by"

    def rows(afg1: int, kunduz: int) -> str:
        return (
            f"{header}\n"
            f"AFG1,2020-04-09,Battles,Armed clash,Taliban,Kabul,{afg1},https://example.org/a,\n"
            ",2020-04-09,Battles,Armed clash,Taliban,Kabul,0,,\n"
            "AFG2,2020-04-10,Battles,Armed clash,Taliban,Herat,0,https://example.org/a,Taliban\n"
            "AFG3,2020-04-11,Battles,Armed clash,Taliban,Kandahar,0,https://example.org/b,\n"
            f",2020-04-12,Battles,Armed clash,Taliban,Kunduz,{kunduz},,\n"
        )

    first = import_violence(runner, write(tmp_path, rows(1, 2), "first.csv"))
    assert "5 rows: 5 added, 0 updated, 0 unchanged" in first.output, first.output
    changed = import_violence(runner, write(tmp_path, rows(3, 5), "changed.csv"))
    assert "5 rows: 0 added, 2 updated, 3 unchanged" in changed.output, changed.output
    again = import_violence(runner, write(tmp_path, rows(3, 5), "again.csv"))
    assert "5 rows: 0 added, 0 updated, 5 unchanged" in again.output, again.output
    with app.app_context():
        mine = db.session.scalars(
            select(ViolenceReport)
            .join(PeaceProcess)
            .where(PeaceProcess.slug == "afg")
            .order_by(ViolenceReport.event_date, ViolenceReport.id)
        ).all()
        assert [(r.event_id_cnty, r.location, r.fatalities) for r in mine] == [
            ("AFG1", "Kabul", 3),
            (None, "Kabul", 0),
            ("AFG2", "Herat", 0),
            ("AFG3", "Kandahar", 0),
            (None, "Kunduz", 5),
        ]
        # One source per URL, shared by rows of different chunks; the claim is kept.
        assert sorted(db.session.scalars(select(Source.url))) == [
            "https://example.org/a",
            "https://example.org/b",
        ]
        assert [(c.actor, c.stance) for c in mine[2].claims] == [("Taliban", "claimed")]
    # The five reports added: none of their own, the import's one event lists them (below);
    # the two changed ones: one event each; the unchanged ones: none.
    assert violence_events(app) == ["create", "import", "import"]
    with app.app_context():
        imports = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "import").order_by(AuditEvent.id)
        ).all()
        assert [event.changes["file"] for event in imports] == [
            "first.csv",
            "changed.csv",
            "again.csv",
        ]
        ids = sorted(r.id for r in mine)
        assert imports[0].changes["ids"] == [[ids[0], ids[-1]]]
        assert [event.changes.get("ids") for event in imports[1:]] == [None, None]


def test_release_reimport_across_chunks(app, runner, commitment_id, tmp_path, tiny_chunks):
    def rows(notes: str) -> str:
        return (
            "date,kind,count,location,source_url,source_name,notes\n"
            "2020-04-08,batch,100,Bagram,https://example.org/r,Reuters,\n"
            "2020-04-09,batch,100,Bagram,https://example.org/r,Reuters,\n"
            f"2020-04-10,batch,50,,,,{notes}\n"
        )

    first = import_releases(runner, write(tmp_path, rows(""), "a.csv"), commitment_id)
    assert "3 rows: 3 added, 0 updated, 0 unchanged" in first.output, first.output
    again = import_releases(runner, write(tmp_path, rows("late"), "b.csv"), commitment_id)
    assert "3 rows: 0 added, 1 updated, 2 unchanged" in again.output, again.output
    with app.app_context():
        records = db.session.scalars(select(ReleaseRecord).order_by(ReleaseRecord.date)).all()
        assert [r.notes for r in records] == ["", "", "late"]
        assert [s.publisher for s in db.session.scalars(select(Source))] == ["Reuters"]


def test_a_publisher_name_longer_than_its_column_is_named_by_line_and_column(
    app, runner, commitment_id, tmp_path
):
    text = (
        "date,kind,count,source_url,source_name\n"
        "2020-04-08,batch,100,https://example.org/a,Reuters\n"
        f"2020-04-09,batch,5,https://example.org/b;https://example.org/c,UNAMA;{'P' * 250}\n"
    )
    result = import_releases(runner, write(tmp_path, text), commitment_id)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (
        "line 3, column source_name: publisher 2 of 2 is 250 characters long; the limit is 200"
        in result.output
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0


@pytest.fixture
def review_turned_on_after_the_check(monkeypatch):
    """Review is on, but the command's early check saw it off (an admin turned it on while
    the command started): the flush guard is then the one to refuse."""
    from tracker import cli

    monkeypatch.setattr(cli.review, "review_required", lambda: False)


def test_a_publication_refused_by_the_guard_is_a_message_not_a_traceback(
    app, runner, commitment_id, process, tmp_path, review_turned_on_after_the_check
):
    with app.app_context():
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    releases = write(tmp_path, "date,kind,count\n2020-04-08,batch,100\n", "releases.csv")
    result = import_releases(runner, releases, commitment_id, "--status", "published")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Publishing needs a second person" in result.output
    assert "nothing was imported" in result.output
    violence = write(tmp_path, f"{HEADER}\nAFG1,2020-04-09,Riots,,Mob,Kabul,0\n", "violence.csv")
    result = import_violence(runner, violence, "--status", "published")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "nothing was imported" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReleaseRecord)) == 0
        assert db.session.scalar(select(func.count()).select_from(ViolenceReport)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_a_bundle_nested_too_deeply_to_read_is_a_message(app, runner, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    result = runner.invoke(args=["import", "process", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "nested too deeply" in result.output
