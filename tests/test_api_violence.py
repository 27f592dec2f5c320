"""The violence list and summary of the API, with figures checked against a realistic ACLED
export counted independently; 400s that name the parameter; ETag/304 and CORS on every GET."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import PeaceProcess
from tracker.services.interchange.csv_import import import_violence_csv

ACLED = Path(__file__).parent / "data" / "acled_afghanistan_2020.csv"
BASE = "/api/v1/processes/afg/violence"


def acled_events() -> list[dict]:
    """The test file read with the csv module alone: (date, type, fatalities) per event."""
    with ACLED.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    events = []
    for row in rows:
        raw = row["event_date"]
        day = date.fromisoformat(raw) if "-" in raw else datetime.strptime(raw, "%d %B %Y").date()
        events.append(
            {"date": day, "type": row["event_type"], "fatalities": int(row["fatalities"])}
        )
    return events


@pytest.fixture
def acled(app):
    """The realistic ACLED file imported, published, into process "afg"."""
    with app.app_context():
        factories.process(slug="afg")
        db.session.commit()
        process = db.session.scalar(db.select(PeaceProcess))
        with ACLED.open("rb") as stream:
            import_violence_csv(stream, process, "published")
        db.session.commit()
    return acled_events()


def test_list_total_and_filters_match_independent_counts(client, acled):
    body = client.get(BASE).get_json()
    assert body["total"] == len(acled) == 400
    assert (body["page"], body["per_page"], len(body["items"])) == (1, 50, 50)
    battles = client.get(f"{BASE}?event_type=Battles&from=2020-05-01&to=2020-06-30").get_json()
    expected = [
        e
        for e in acled
        if e["type"] == "Battles" and date(2020, 5, 1) <= e["date"] <= date(2020, 6, 30)
    ]
    assert battles["total"] == len(expected)
    two_types = client.get(f"{BASE}?event_type=Battles&event_type=Protests").get_json()
    assert two_types["total"] == sum(e["type"] in ("Battles", "Protests") for e in acled)


def test_pages_cover_every_report_once_in_date_order(client, acled):
    seen = []
    for page in (1, 2):
        body = client.get(f"{BASE}?per_page=250&page={page}").get_json()
        seen += body["items"]
    assert len(seen) == 400 and len({item["id"] for item in seen}) == 400
    assert [item["event_date"] for item in seen] == sorted(item["event_date"] for item in seen)
    assert client.get(f"{BASE}?per_page=250&page=3").get_json()["items"] == []


def test_items_carry_the_csv_fields(client, acled):
    item = client.get(f"{BASE}?per_page=1").get_json()["items"][0]
    assert item["event_id_cnty"].startswith("AFG") and item["country"] == "Afghanistan"
    assert isinstance(item["latitude"], float) and item["source"]
    assert {"claimed_by", "denied_by", "source_url", "injuries", "verification"} <= set(item)


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_summary_matches_independent_counts(client, acled, interval):
    body = client.get(f"{BASE}/summary?interval={interval}").get_json()
    assert body["interval"] == interval

    def start(day: date) -> date:
        if interval == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if interval == "month" else day

    events, deaths = Counter(), Counter()
    for event in acled:
        events[start(event["date"])] += 1
        deaths[start(event["date"])] += event["fatalities"]
    assert body["periods"] == [
        {"start": day.isoformat(), "events": events[day], "fatalities": deaths[day]}
        for day in sorted(events)
    ]


def test_summary_takes_the_filters(client, acled):
    body = client.get(f"{BASE}/summary?interval=month&event_type=Protests").get_json()
    assert sum(p["events"] for p in body["periods"]) == sum(e["type"] == "Protests" for e in acled)
    assert all(p["fatalities"] == 0 for p in body["periods"])


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("per_page=501", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("from=2020-13-01", "from"),
        ("to=April", "to"),
        ("event_type=Skirmish", "event_type"),
        # The document lists these parameters' values; a blank is none of them.
        ("event_type=", "event_type"),
        ("actor_role=", "actor_role"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, acled, query, name):
    response = client.get(f"{BASE}?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and f"'{name}'" in error["message"]


def test_bad_interval_is_400(client, acled):
    response = client.get(f"{BASE}/summary?interval=year")
    assert response.status_code == 400 and "'interval'" in response.get_json()["error"]["message"]


def test_unpublished_reports_and_processes_are_not_shown(app, client):
    with app.app_context():
        process = factories.process(slug="afg")
        factories.violence(process, date(2020, 4, 9), fatalities=3)
        factories.violence(process, date(2020, 4, 10), status="under_review")
        factories.process(slug="draft", status="under_review")
        db.session.commit()
    assert client.get(BASE).get_json()["total"] == 1
    summary = client.get(f"{BASE}/summary?interval=day").get_json()
    assert summary["periods"] == [{"start": "2020-04-09", "events": 1, "fatalities": 3}]
    assert client.get("/api/v1/processes/draft/violence").status_code == 404
    assert client.get("/api/v1/processes/Not%20a%20slug/violence/summary").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/processes",
        "/api/v1/processes/afghanistan-2020",
        "/api/v1/processes/afghanistan-2020/violence",
        "/api/v1/processes/afghanistan-2020/violence/summary",
        "/api/v1/openapi.json",
    ],
)
def test_every_get_has_an_etag_answered_with_304_and_open_cors(demo, client, path):
    response = client.get(path, headers={"Origin": "https://notebook.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    etag = response.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_etag_changes_when_the_data_changes(app, client):
    with app.app_context():
        factories.process(slug="afg")
        db.session.commit()
    before = client.get(BASE).headers["ETag"]
    with app.app_context():
        factories.violence(db.session.scalar(db.select(PeaceProcess)), date(2020, 4, 9))
        db.session.commit()
    response = client.get(BASE, headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


def test_commitment_progress_has_etag_and_huge_ids_are_404(demo, client):
    detail = client.get("/api/v1/processes/afghanistan-2020").get_json()
    commitment_id = detail["agreements"][0]["commitments"][0]["id"]
    response = client.get(f"/api/v1/commitments/{commitment_id}/progress")
    assert response.headers["ETag"]
    assert client.get("/api/v1/commitments/99999999999999/progress").status_code == 404


def test_preflight_allows_if_none_match(client):
    response = client.options(
        "/api/v1/processes",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_openapi_describes_the_violence_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/processes/{slug}/violence"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"slug", "from", "to", "event_type", "page", "per_page"} <= names
    per_page = next(p for p in operation["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 500
    assert set(operation["responses"]) == {"200", "304", "400", "404"}
