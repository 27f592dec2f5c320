"""Violence files as researchers get them: ACLED of every vintage (today's, the 2019-2020
export tool, pre-2019, monadic, dates re-saved by a spreadsheet) and UCDP GED (full and the
reduced extract), each read field by field from excerpts of real files in tests/data/formats,
and each refusal with its message."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.models import ViolenceReport

FORMATS = Path(__file__).parent / "data" / "formats"


@pytest.fixture
def process(app):
    """An empty published process with no countries set (no guard applies)."""
    with app.app_context():
        factories.process(slug="any")
        db.session.commit()
    return "any"


def run(runner, name, *extra, slug="any"):
    path = name if isinstance(name, Path) else FORMATS / name
    return runner.invoke(args=["import", "violence", str(path), "--process", slug, *extra])


def report(app, event_id: str) -> dict:
    """The stored report's columns, by name."""
    with app.app_context():
        record = db.session.scalar(
            select(ViolenceReport).where(ViolenceReport.event_id_cnty == event_id)
        )
        assert record is not None, f"{event_id} was not imported"
        values = {c.key: getattr(record, c.key) for c in ViolenceReport.__table__.columns}
        values["claims"] = [(c.actor, c.stance) for c in record.claims]
        return values


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ViolenceReport))


def monadic_rows() -> list[dict[str, str]]:
    """The rows of the monadic ACLED excerpt, to change before writing them back."""
    with open(FORMATS / "acled_monadic.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows: list[dict[str, str]]):
    """Write ``rows`` as a CSV file at ``path`` (header: the first row's keys) and return it."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_todays_acled_export_keeps_every_column_with_a_meaning(app, runner, process):
    result = run(runner, "acled_today.csv")
    assert result.exit_code == 0, result.output
    assert "ignored: countycode" in result.output
    assert "2 rows: 2 added, 0 updated, 0 unchanged." in result.output
    nig = report(app, "NIG2941")
    assert nig["event_date"] == date(2010, 12, 31)
    assert (nig["event_type"], nig["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )
    assert nig["actor1"] == "Unidentified Armed Group (Nigeria)"
    assert nig["actor2"] == "Civilians (Nigeria)"
    assert nig["assoc_actor_2"] == "Military Forces of Nigeria (1999-2015)"
    assert nig["disorder_type"] == "Political violence"
    assert nig["civilian_targeting"] == "Civilian targeting"
    assert (nig["inter1"], nig["inter2"]) == ("Political militia", "Civilians")
    assert nig["interaction"] == "Political militia-Civilians"
    assert (nig["iso"], nig["region"], nig["country"]) == ("566", "Western Africa", "Nigeria")
    assert (nig["admin1"], nig["admin2"], nig["admin3"]) == (
        "Federal Capital Territory",
        "Abuja Municipal",
        "",
    )
    assert (nig["latitude"], nig["longitude"], nig["geo_precision"]) == (9.0833, 7.5333, 1)
    assert (nig["source"], nig["source_scale"]) == ("AFP", "International")
    assert nig["fatalities"] == 4 and nig["notes"].startswith("A bomb went off")
    assert (nig["dataset"], nig["licence"], nig["original_event_type"]) == (
        "ACLED",
        "ACLED terms of use",
        "",
    )
    sud = report(app, "SUD1082")
    assert sud["actor1"] == "Military Forces of Sudan (2011-2019, Omar al-Bashir)"
    assert (sud["inter1"], sud["inter2"]) == ("State Forces", "Rebel Groups")
    assert sud["geo_precision"] == 2 and sud["fatalities"] == 0


def test_export_tool_2018_maps_old_event_types_with_acleds_correspondence(app, runner, process):
    result = run(runner, "acled_export_tool_2018.csv")
    assert result.exit_code == 0, result.output
    assert "6 added" in result.output
    assert "Battle-No change of territory (1)" in result.output
    assert "ignored: data_id, event_id_no_cnty" in result.output
    expected = {
        "DRC11776": ("Battles", "Armed clash", "Battle-No change of territory"),
        "KEN5937": ("Riots", None, "Riots/Protests"),  # rioters (inter1 5)
        "LIB6637": ("Protests", None, "Riots/Protests"),  # protesters (inter1 6)
        "LIB6638": ("Violence against civilians", None, ""),
        "DRC11773": ("Strategic developments", None, "Strategic development"),
        "MLI1808": ("Explosions/Remote violence", None, "Remote violence"),
    }
    for event_id, (event_type, sub_type, original) in expected.items():
        stored = report(app, event_id)
        assert (
            stored["event_type"],
            stored["sub_event_type"],
            stored["original_event_type"],
        ) == (event_type, sub_type, original), event_id
    lib = report(app, "LIB6637")
    assert lib["assoc_actor_1"] == "Tawergha Communal Group (Libya); Refugees/IDPs (Libya)"
    assert (lib["inter1"], lib["interaction"], lib["iso"], lib["timestamp"]) == (
        "6",
        "60",
        "434",
        "1516117305",
    )
    assert report(app, "DRC11773")["time_precision"] == 3


def test_pre_2019_file_reads_ally_actors_and_day_first_dates(app, runner, process):
    result = run(runner, "acled_pre2019.csv")
    assert result.exit_code == 0, result.output
    assert "ignored: gwno, event_id_no_cnty" in result.output
    riot = report(app, "2229RTA")
    assert riot["event_date"] == date(2001, 4, 19)
    assert (riot["event_type"], riot["original_event_type"]) == ("Riots", "Riots/Protests")
    assert riot["assoc_actor_1"] == "Berber Ethnic Group (Algeria)"
    assert riot["actor2"] == "Police Forces of Algeria (1999-)"
    assert riot["geo_precision"] == 3 and riot["source"] == "Kabylie report"
    killing = report(app, "1416RTA")
    assert killing["event_date"] == date(2001, 4, 18)
    assert killing["assoc_actor_2"] == "Berber Ethnic Group (Algeria)"
    assert killing["fatalities"] == 1


def test_excel_resaved_month_names_are_read_with_the_year_column(app, runner, process):
    result = run(runner, "acled_2019_excel_dates.csv")
    assert result.exit_code == 0, result.output
    first = report(app, "IND46153")
    assert first["event_date"] == date(2019, 2, 16)
    assert (first["iso3"], first["iso"]) == ("IND", "356")
    assert first["original_event_type"] == "Battle-No change of territory"
    assert report(app, "IND46155")["event_type"] == "Riots"


def test_excel_numeric_dates_take_their_order_from_the_file(app, runner, process):
    # 16-02-19 can only be day first, so 05-02-19 in the same file is 5 February.
    result = run(runner, "acled_excel_numeric_dates.csv")
    assert result.exit_code == 0, result.output
    assert report(app, "IND46153")["event_date"] == date(2019, 2, 16)
    assert report(app, "IND46154")["event_date"] == date(2019, 2, 5)


def test_ambiguous_spreadsheet_dates_are_refused_saying_how_to_fix_them(app, runner, process):
    result = run(runner, "acled_excel_ambiguous_dates.csv")
    assert result.exit_code == 1
    assert (
        "line 2, column event_date: '05-02-19' could be 5 February or 2 May 2019: the file "
        "looks re-saved by a spreadsheet" in result.output
    )
    assert "format the event_date column as yyyy-mm-dd" in result.output
    assert count(app) == 0


def test_two_digit_year_that_contradicts_the_year_column_is_refused(app, runner, process, tmp_path):
    text = (FORMATS / "acled_2019_excel_dates.csv").read_text(encoding="utf-8")
    path = tmp_path / "wrong_year.csv"
    path.write_text(text.replace("16-Feb-19,2019", "16-Feb-18,2019", 1), encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 1
    assert "line 2, column event_date: '16-Feb-18' does not fit the row's year column (2019)" in (
        result.output
    )


def test_monadic_export_becomes_one_event_per_id_with_fatalities_once(app, runner, process):
    result = run(runner, "acled_monadic.csv")
    assert result.exit_code == 0, result.output
    assert "2 rows of ACLED's monadic format (one row per actor) merged" in result.output
    assert "2 rows: 2 added" in result.output
    nig = report(app, "NIG2941")
    assert nig["fatalities"] == 4
    assert nig["actor1"] == "Unidentified Armed Group (Nigeria)"
    assert nig["actor2"] == "Civilians (Nigeria)"
    assert nig["assoc_actor_2"] == "Military Forces of Nigeria (1999-2015)"
    assert nig["assoc_actor_1"] == ""


def test_monadic_rows_that_disagree_are_refused_by_line(app, runner, process, tmp_path):
    rows = monadic_rows()
    rows[1]["fatalities"] = "5"  # the second row of NIG2941 counts another toll
    result = run(runner, write_rows(tmp_path / "monadic_disagrees.csv", rows))
    assert result.exit_code == 1
    assert (
        "line 3, column event_id_cnty: 'NIG2941' is already on line 2, with another fatalities "
        "('4', here '5')" in result.output
    )


def test_ucdp_ged_extract_maps_each_column_and_widens_ranges_without_best(app, runner, process):
    result = run(runner, "ucdp_ged_extract.csv")
    assert result.exit_code == 0, result.output
    assert "UCDP GED file (CC BY 4.0)" in result.output
    assert "5 rows have a low-high range that leaves out the best estimate" in result.output
    assert "ignored: year, number_of_sources, source_date" in result.output
    assert "18 rows: 18 added" in result.output
    with app.app_context():
        reports = db.session.scalars(select(ViolenceReport).order_by(ViolenceReport.id)).all()
        first = reports[0]
        assert first.event_id_cnty.startswith("GED-")
        assert first.event_date == date(2020, 1, 1) and first.time_precision == 1
        assert (first.event_type, first.sub_event_type) == ("Battles", "Armed clash")
        assert first.type_of_violence == 1
        assert first.original_event_type == "UCDP type_of_violence 1: state-based conflict"
        assert (first.actor1, first.actor2) == ("Government of Afghanistan", "Taleban")
        assert first.location == "Hazara Qeshlaq village"
        assert (first.latitude, first.longitude) == (35.836, 64.5345)
        assert (first.country, first.region) == ("Afghanistan", "Asia")
        assert first.source == "Pajhwok News"
        assert "11 killed, 16 wounded in Faryab clashes" in first.notes
        assert "UCDP deaths: side A 0, side B 0, civilians 1, unknown 0." in first.notes
        assert (first.fatalities, first.fatalities_low, first.fatalities_high) == (1, 1, 1)
        assert (first.dataset, first.licence) == ("UCDP GED (reduced extract)", "CC BY 4.0")
        widened = reports[8]  # GED: best 2, high 1, low 2
        assert (widened.fatalities, widened.fatalities_low, widened.fatalities_high) == (2, 2, 2)
        assert "UCDP gives best 2, low 2, high 1; the range was widened" in widened.notes
        assert widened.time_precision == 2  # 2020-01-01 to 2020-01-02
        assert "UCDP dates the event 2020-01-01 to 2020-01-02." in widened.notes
        # The extract repeats a row: both are kept, told apart by their order.
        ids = [r.event_id_cnty for r in reports]
        assert len(set(ids)) == 18 and ids[-1] == ids[-2] + "-2"
    again = run(runner, "ucdp_ged_extract.csv")
    assert "18 rows: 0 added, 0 updated, 18 unchanged." in again.output


def test_full_ged_uses_its_ids_admin_areas_and_precision_codes(app, runner, process):
    result = run(runner, "ucdp_ged_full.csv")
    assert result.exit_code == 0, result.output
    first = report(app, "GED244657")
    assert (first["admin1"], first["admin2"]) == ("Faryab province", "Qaysar district")
    assert first["geo_precision"] == 1 and first["time_precision"] == 1
    second = report(app, "GED244665")
    assert (
        second["geo_precision"] == 2 and second["time_precision"] == 2
    )  # where_prec 2, date_prec 3
    one_sided = report(app, "GED244700")
    assert (one_sided["event_type"], one_sided["sub_event_type"]) == (
        "Violence against civilians",
        "Attack",
    )
    assert one_sided["type_of_violence"] == 3
    assert (one_sided["actor1"], one_sided["actor2"]) == ("Taleban", "Civilians")
    assert one_sided["location"] == "Baloch village" and one_sided["fatalities"] == 2
    assert (one_sided["dataset"], one_sided["licence"]) == ("UCDP GED", "CC BY 4.0")


def test_ged_row_with_an_unknown_violence_type_is_refused(app, runner, process, tmp_path):
    lines = (FORMATS / "ucdp_ged_full.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",Clear,1,", ",Clear,4,", 1)
    path = tmp_path / "ged_bad_type.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(runner, path)
    assert result.exit_code == 1
    assert "line 2, column type_of_violence: must be between 1 and 3; got 4" in result.output
    assert count(app) == 0


def test_monadic_rows_apart_are_refused_saying_to_sort_the_file(app, runner, process, tmp_path):
    rows = monadic_rows()
    rows[1], rows[2] = rows[2], rows[1]  # NIG2941, SUD1082, NIG2941, SUD1082
    result = run(runner, write_rows(tmp_path / "monadic_unsorted.csv", rows))
    assert result.exit_code == 1
    assert (
        "line 4, column event_id_cnty: 'NIG2941' is already on line 2, not on the row just "
        "before: rows of one event (ACLED's monadic format) must come one after the other; "
        "sort the file by event_id_cnty" in result.output
    )
    assert count(app) == 0


def test_a_claims_cell_nested_past_parsing_is_refused_by_line(app, runner, process, tmp_path):
    first = monadic_rows()[0]
    rows = [{**first, "claims": "[" * 100_000}]
    result = run(runner, write_rows(tmp_path / "deep_claims.csv", rows))
    assert result.exit_code == 1
    assert "column claims: is not the JSON list the export writes (nested too deeply)" in (
        result.output
    )
    assert count(app) == 0
