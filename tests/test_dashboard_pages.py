"""Dashboard pages: every chart with its caption, table and CSV; filters in the URL; the
public pages of a release record and a violence report; published records only."""

import csv
import html
import io
import json
import re
from datetime import date

import pytest

from tests import factories
from tracker.extensions import db

SLUG = "afghanistan-2020"
CHARTS = ("progress", "ratio", "pace", "score", "violence", "riv", "map")


def figures(page: str) -> dict[str, dict]:
    """Every chart's figure embedded in the page, by chart key."""
    blocks = re.findall(
        r'<script type="application/json" id="(\w+)-chart-data">(.*?)</script>', page, re.S
    )
    return {key: json.loads(body) for key, body in blocks}


def text_of(page: str) -> str:
    """The page as a reader sees it, whitespace collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_process_page_has_every_chart_with_caption_table_and_csv_link(demo, client):
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    assert set(figures(page)) == set(CHARTS)
    text = text_of(page)
    assert "As of 2 Sep 2020. Based on 15 records from 12 sources." in text
    assert "Based on 1 record from 1 source." in text  # the one demo violence report
    for key in CHARTS:
        assert f'id="{key}-table"' in page
        assert f"/processes/{SLUG}/charts/{key}.csv" in page
    assert "Target reached on 2 Sep 2020, 176 days after the deadline." in text
    assert "<script>" not in page and " onclick=" not in page


def test_csv_download_holds_the_table_rows(demo, client):
    response = client.get(f"/processes/{SLUG}/charts/ratio.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_date = {row["date"]: row for row in rows}
    assert (by_date["2020-07-30"]["numerator"], by_date["2020-07-30"]["denominator"]) == (
        "4400",
        "1005",
    )
    assert by_date["2020-04-12"]["ratio"] == "10.0"
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    table = page.split('id="ratio-table"')[1].split("</table>")[0]
    assert len(re.findall(r"<tr>", table.split("<tbody>")[1])) == len(rows)


def test_filters_in_the_query_string_change_charts_and_csv(demo, client):
    page = client.get(f"/processes/{SLUG}?from=2020-07-01&to=2020-08-31").get_data(as_text=True)
    progress = figures(page)["progress"]
    dates = {x for trace in progress["data"] for x in trace["x"]}
    assert dates and all("2020-07-01" <= day[:10] <= "2020-08-31" for day in dates)
    assert 'value="2020-07-01"' in page  # the form shows the filter it applied
    rows = client.get(f"/processes/{SLUG}/charts/progress.csv?from=2020-07-01&to=2020-08-31")
    assert {row.split(",")[2] for row in rows.get_data(as_text=True).splitlines()[1:]} == {
        "2020-07-15",
        "2020-07-30",
        "2020-08-02",
        "2020-08-14",
    }
    assert "from=2020-07-01" in page.split("/charts/progress.csv?")[1].split('"')[0]


def test_event_type_and_interval_filters_drive_the_violence_chart(ctx, client):
    process = factories.process("p", name="P")
    for day, kind, sub in ((6, "Battles", "Armed clash"), (7, "Riots", "Mob violence")):
        factories.violence(process, date(2020, 4, day), event_type=kind, sub_event_type=sub)
    db.session.commit()
    both = figures(client.get("/processes/p?interval=day").get_data(as_text=True))["violence"]
    assert [t["name"] for t in both["data"] if t["yaxis"] == "y"] == ["Battles", "Riots"]
    assert both["data"][0]["dx"] == 24 * 3600 * 1000  # one bar per day
    riots = figures(client.get("/processes/p?event_type=Riots").get_data(as_text=True))
    assert [t["name"] for t in riots["violence"]["data"] if t["yaxis"] == "y"] == ["Riots"]


def test_bad_filters_show_a_message_not_an_error(demo, client):
    response = client.get(f"/processes/{SLUG}?from=someday&interval=year&event_type=War")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "Some filters could not be used" in text
    assert "Interval 'year' is not one of: day, week, month; showing weeks." in text
    assert "Event type 'War' is not one of: Battles" in text


def test_unknown_chart_csv_is_a_404(demo, client):
    assert client.get(f"/processes/{SLUG}/charts/nothing.csv").status_code == 404


def test_release_record_page_shows_count_sources_and_verification(demo, client):
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    link = re.search(rf'href="(/processes/{SLUG}/releases/\d+)">record', page).group(1)
    record = text_of(client.get(link).get_data(as_text=True))
    assert "100" in record and "Verification" in record and "Sources" in record
    assert "8 Apr 2020 (exact day)" in record  # worded as on violence report pages


def test_violence_report_page_shows_claims_sources_and_precision(demo, client):
    page = client.get(f"/processes/{SLUG}").get_data(as_text=True)
    link = re.search(rf'href="(/processes/{SLUG}/violence/\d+)"', page).group(1)
    text = text_of(client.get(link).get_data(as_text=True))
    assert "Islamic State Khorasan Province claimed responsibility" in text
    assert "Taliban denied responsibility" in text
    assert "disputed" in text and "exact day" in text and "the place itself" in text


def test_unpublished_records_have_no_public_page(ctx, client):
    process = factories.process("p", name="P")
    agreement = factories.agreement(process)
    term = factories.commitment(agreement)
    hidden = factories.release(term, date(2020, 4, 1), 5, status="under_review")
    report = factories.violence(process, date(2020, 4, 1), status="under_review", fatalities=9)
    db.session.commit()
    assert client.get(f"/processes/p/releases/{hidden.id}").status_code == 404
    assert client.get(f"/processes/p/violence/{report.id}").status_code == 404
    page = client.get("/processes/p").get_data(as_text=True)
    assert "violence" not in figures(page)


@pytest.mark.parametrize("path", ["/", f"/processes/{SLUG}"])
def test_pages_mark_names_and_notes_for_right_to_left_scripts(demo, client, path):
    page = client.get(path).get_data(as_text=True)
    assert page.count('dir="auto"') >= 2


def test_home_shows_the_implementation_score(demo, client):
    text = text_of(client.get("/").get_data(as_text=True))
    assert "Implementation score of Agreement for Bringing Peace to Afghanistan : 67 %" in text
