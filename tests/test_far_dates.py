"""Stored data of any age never breaks a page: dates that figures cannot represent are said so.

The forms refuse such values now, but rows written before (or straight into the database) may
hold them: a target of 100,000 with one release of 1 person (a projection some 8,000 years
away), a deadline of 9999-12-31, a release dated 0001-01-01, violence reports and milestones at
both ends of the calendar.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import Milestone
from tracker.services.figures.progress import SeriesPoint, projected_completion

FIRST, LAST = date(1, 1, 1), date(9999, 12, 31)
CHART_CSVS = ("progress", "ratio", "pace", "score", "violence", "riv", "map")


def setup_process(app, scenario: str) -> int:
    """A published process holding the data of ``scenario``; returns the commitment's id."""
    with app.app_context():
        process = factories.process("far")
        agreement = factories.agreement(process)
        commitment = factories.commitment(agreement, target=100)
        if scenario == "slow pace":
            commitment.target = 100_000
            factories.release(commitment, date(2020, 4, 1), 1)
        elif scenario == "deadline 9999":
            commitment.deadline = LAST
            factories.release(commitment, date(2020, 4, 1), 1)
        elif scenario == "release in year 1":
            factories.release(commitment, FIRST, 1)
            factories.release(commitment, date(2020, 4, 1), 1)
        elif scenario == "release in 9999":
            factories.release(commitment, LAST, 1)
        elif scenario == "violence at both ends":
            factories.violence(process, FIRST)
            factories.violence(process, LAST)
        elif scenario == "milestone over the whole calendar":
            factories.release(commitment, date(2020, 4, 1), 1)
            factories.violence(process, date(2020, 1, 1))
            db.session.add(
                Milestone(process=process, date=FIRST, end_date=LAST, title="m", status="published")
            )
        elif scenario == "reduction period over the whole calendar":
            factories.violence(process, date(2020, 1, 1))
            factories.commitment(
                agreement,
                key="riv",
                kind="violence_reduction",
                target=None,
                period_start=FIRST,
                period_end=LAST,
                baseline_start=FIRST,
                baseline_end=LAST,
            )
        db.session.commit()
        return commitment.id


SCENARIOS = [
    "slow pace",
    "deadline 9999",
    "release in year 1",
    "release in 9999",
    "violence at both ends",
    "milestone over the whole calendar",
    "reduction period over the whole calendar",
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_public_pages_api_and_chart_csvs_answer(app, client, scenario):
    commitment_id = setup_process(app, scenario)
    urls = [
        "/",
        "/processes/far",
        "/processes/far?interval=day",
        "/processes/far?interval=month",
        "/api/v1/processes/far",
        f"/api/v1/commitments/{commitment_id}/progress",
        "/api/v1/processes/far/violence/summary?interval=day",
    ] + [f"/processes/far/charts/{key}.csv" for key in CHART_CSVS]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
    assert client.get("/processes/far").status_code == 200


def test_a_projection_past_2100_is_declined_in_words(app, client):
    commitment_id = setup_process(app, "slow pace")
    page = re.sub(r"\s+", " ", client.get("/processes/far").get_data(as_text=True))
    assert (
        "No projection: at the pace of the last 30 days (up to the latest record, 1 Apr 2020) "
        "the target would be reached only after 2100." in page
    )
    body = client.get(f"/api/v1/commitments/{commitment_id}/progress").get_json()
    assert body["projected_completion"] is None
    assert body["achieved"] == 1


def test_projection_inside_the_century_is_still_given():
    series = [SeriesPoint(date(2020, 3, 2), 100), SeriesPoint(date(2020, 4, 1), 400)]
    # 300 in 30 days: 10 a day, 600 to go.
    assert projected_completion(series, 1000) == date(2020, 5, 31)
    # 10 a day for 29,600 to go: 2,960 days, in 2028; 10 a day for 3 million: after 2100.
    assert projected_completion(series, 30_000) == date(2028, 5, 9)
    assert projected_completion(series, 3_000_000) is None


def test_violence_chart_over_centuries_sends_only_the_periods_with_reports(app, client):
    setup_process(app, "violence at both ends")
    page = client.get("/processes/far?interval=day").get_data(as_text=True)
    assert len(page) < 200_000  # not one bar per day for 3.6 million days
    assert "0001-01-01" in page and "9999-12-31" in page
