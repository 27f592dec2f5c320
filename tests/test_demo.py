"""The demo tells the seed's story: UCDP's events of 2020 loaded with the real importer show
the reduction-in-violence week, and a second process has commitments still running."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess
from tracker.services.figures.violence import compare_with_baseline, totals_between


@pytest.fixture
def loaded(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_weekly_violence_falls_in_the_reduction_in_violence_week(app, loaded):
    assert "3317 rows: 3317 added" in loaded
    with app.app_context():
        process = db.session.scalar(
            select(PeaceProcess).where(PeaceProcess.slug == "afghanistan-2020")
        )
        riv = compare_with_baseline(
            process, (date(2020, 2, 22), date(2020, 2, 28)), (date(2020, 2, 15), date(2020, 2, 21))
        )
        assert (riv.period_events, riv.period_fatalities) == (24, 44)
        assert (riv.baseline_events, riv.baseline_fatalities) == (82, 287)
        assert totals_between(process, date(2020, 2, 29), date(2020, 3, 6)) == (73, 1844)


def test_pages_showing_ucdp_events_cite_ucdp(app, client, loaded):
    page = client.get("/processes/afghanistan-2020").get_data(as_text=True)
    assert "Data: UCDP GED (reduced extract), a public column-reduced extract" in page
    assert "licensed CC BY 4.0" in page
    assert "Sundberg, Ralph and Erik Melander (2013)" in page
    api = client.get("/api/v1/processes/afghanistan-2020/violence?per_page=1").get_json()
    item = api["items"][0]
    assert (item["dataset"], item["licence"]) == ("UCDP GED (reduced extract)", "CC BY 4.0")
    assert item["type_of_violence"] in (1, 2, 3)
    report = client.get(f"/processes/afghanistan-2020/violence/{item['id']}").get_data(as_text=True)
    assert "the report comes from the data set" in report and "No source listed" not in report
    assert "Sundberg, Ralph and Erik Melander (2013)" in report


def test_demo_load_twice_adds_nothing(app, runner, loaded):
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "3317 rows: 0 added, 0 updated, 3317 unchanged." in again.output
    assert "15 added" not in again.output and "0 added, 0 updated, 15 unchanged." in again.output


def test_second_process_has_a_running_commitment_with_a_projection(app, client, loaded):
    with app.app_context():
        commitment = db.session.scalar(select(Commitment).where(Commitment.key == "all-for-all"))
        commitment_id = commitment.id
    progress = client.get(f"/api/v1/commitments/{commitment_id}/progress").get_json()
    assert progress["achieved"] == 1056 + 869 + 113 + 153
    assert progress["percent"] < 100
    assert progress["projected_completion"] is not None
    page = client.get("/processes/yemen-stockholm-2018").get_data(as_text=True)
    assert "2,191" in page
