"""Dashboard services: every number checked by hand, on our own small data set and on the demo.

The data set (see ``data``): the government must release up to 5,000, the Taliban up to 1,000,
both by 10 March 2020; a reduction in violence ran 22-28 Feb 2020 against a baseline of 1-14 Feb.
"""

from datetime import date

import pytest

from tests import factories
from tracker.extensions import db
from tracker.models import CommitmentStatusChange
from tracker.services.dashboard import assemble as dashboard
from tracker.services.figures import pace, ratio, score, violence, violence_map
from tracker.services.figures.progress import commitment_progress
from tracker.services.figures.public import find_process

D = date


@pytest.fixture
def data(ctx):
    """A process with two exchange terms, a reduction in violence and violence reports."""
    process = factories.process("test-process", name="Test process")
    government = factories.party(process, "Government", "government")
    taliban = factories.party(process, "Taliban", "armed_group")
    agreement = factories.agreement(process, signed_on=D(2020, 2, 29))
    gov = factories.commitment(
        agreement, "gov", 5000, obligated_party=government, beneficiary_party=taliban,
        target_is_maximum=True, deadline=D(2020, 3, 10),
    )  # fmt: skip
    tal = factories.commitment(
        agreement, "tal", 1000, obligated_party=taliban, beneficiary_party=government,
        target_is_maximum=True, deadline=D(2020, 3, 10),
    )  # fmt: skip
    riv = factories.commitment(
        agreement, "riv", None, kind="violence_reduction", obligated_party=taliban,
        period_start=D(2020, 2, 22), period_end=D(2020, 2, 28),
        baseline_start=D(2020, 2, 1), baseline_end=D(2020, 2, 14), description="Seven-day RIV",
    )  # fmt: skip
    db.session.add(
        CommitmentStatusChange(
            commitment_id=riv.id, changed_on=D(2020, 3, 1), pam_status=2, status="published"
        )
    )
    # Government: 100 + 100, then a reported running total of 361, then a batch of 80.
    reuters = factories.source("https://example.org/reuters", "Reuters")
    first = factories.release(gov, D(2020, 4, 8), 100)
    first.sources.append(reuters)
    factories.release(gov, D(2020, 4, 9), 100)
    factories.release(gov, D(2020, 4, 13), 361, kind="cumulative", count_low=350, count_high=370)
    factories.release(gov, D(2020, 4, 20), 80)
    factories.release(gov, D(2020, 4, 21), 999, status="under_review")  # never public
    factories.release(tal, D(2020, 4, 12), 20)
    factories.release(tal, D(2020, 4, 20), 60, kind="cumulative")
    # Violence: 7 reports in the 14-day baseline (2 killed each), 1 in the 7-day period.
    acled = factories.source("https://example.org/acled", "ACLED")
    for day in (1, 3, 4, 5, 10, 11, 14):
        kind = "Explosions/Remote violence" if day == 5 else "Battles"
        sub = "Remote explosive/landmine/IED" if day == 5 else "Armed clash"
        report = factories.violence(
            process, D(2020, 2, day), fatalities=2, event_type=kind, sub_event_type=sub,
            latitude=34.5001 if day < 10 else 31.6, longitude=69.1002 if day < 10 else 65.7,
            location="Kabul" if day < 10 else "Kandahar",
        )  # fmt: skip
        report.sources.append(acled)
    factories.violence(process, D(2020, 2, 24), fatalities=1, actor1="ISKP", latitude=34.5003,
                       longitude=69.1004, location="Kabul city")  # fmt: skip
    factories.violence(process, D(2020, 2, 25), fatalities=50, status="under_review")
    db.session.commit()
    return {"process": process, "gov": gov, "tal": tal, "riv": riv, "agreement": agreement}


def test_cumulative_series_counts_running_totals_with_later_batches(data):
    series = commitment_progress(data["gov"]).series
    assert [(p.date, p.cumulative) for p in series] == [
        (D(2020, 4, 8), 100),
        (D(2020, 4, 9), 200),
        (D(2020, 4, 13), 361),
        (D(2020, 4, 20), 441),  # 361 reported + the batch of 80 after it
    ]


def test_exchange_ratio_on_given_dates(data):
    gov = commitment_progress(data["gov"]).series
    tal = commitment_progress(data["tal"]).series
    assert ratio.exchange_pair([data["tal"], data["gov"]]) == (data["gov"], data["tal"])
    assert ratio.agreed_ratio((data["gov"], data["tal"])) == 5
    assert ratio.ratio_on(gov, tal, D(2020, 4, 9)) is None  # the Taliban had released none
    assert ratio.ratio_on(gov, tal, D(2020, 4, 12)) == 10  # 200 / 20
    assert ratio.ratio_on(gov, tal, D(2020, 4, 13)) == pytest.approx(18.05)  # 361 / 20
    assert ratio.ratio_on(gov, tal, D(2020, 4, 20)) == pytest.approx(7.35)  # 441 / 60


def test_weekly_releases_split_progress_by_monday_weeks(data):
    series = commitment_progress(data["gov"]).series
    weeks = [(w.week_start, w.released) for w in pace.weekly_releases(series)]
    assert weeks == [(D(2020, 4, 6), 200), (D(2020, 4, 13), 161), (D(2020, 4, 20), 80)]


def test_projection_sentence_at_the_current_pace(data):
    # 441 in the last 30 days = 14.7 a day; 4,559 to go = 311 days after 20 April 2020.
    assert pace.projection_sentence(commitment_progress(data["gov"])) == (
        "At the current pace the target is reached on 25 Feb 2021, 352 days after the deadline."
    )
    # 60 in 30 days = 2 a day; 940 to go = 470 days.
    assert pace.projection_sentence(commitment_progress(data["tal"])) == (
        "At the current pace the target is reached on 3 Aug 2021, 511 days after the deadline."
    )


def test_projection_sentence_when_reached_and_when_stalled(ctx):
    process = factories.process()
    agreement = factories.agreement(process)
    done = factories.commitment(agreement, "done", 100, deadline=D(2020, 3, 10))
    factories.release(done, D(2020, 3, 1), 60)
    factories.release(done, D(2020, 3, 8), 60)
    stalled = factories.commitment(agreement, "stalled", 100)
    factories.release(stalled, D(2020, 1, 1), 10)
    factories.release(stalled, D(2020, 3, 1), 10, kind="cumulative")  # nothing new in 30 days
    assert pace.projection_sentence(commitment_progress(done)) == (
        "Target reached on 8 Mar 2020, 2 days before the deadline."
    )
    assert pace.projection_sentence(commitment_progress(stalled)).startswith(
        "No releases in the last 30 days"
    )


def test_implementation_score_over_time(data):
    points = score.score_series(data["agreement"], [D(2020, 2, 29), D(2020, 4, 10), D(2020, 4, 20)])
    # 29 Feb: nothing started. 10 Apr: gov 200 (status 1), tal 0, RIV set to 2 -> 3 / 9.
    # 20 Apr: gov 441 (1), tal 60 (1), RIV 2 -> 4 / 9.
    assert [round(p.score, 2) for p in points] == [0, 33.33, 44.44]


def test_weekly_violence_counts_published_reports_only(data):
    weeks = violence.summary(data["process"], "week")
    assert [(w.start, w.events, w.fatalities) for w in weeks] == [
        (D(2020, 1, 27), 1, 2),
        (D(2020, 2, 3), 3, 6),
        (D(2020, 2, 10), 3, 6),
        (D(2020, 2, 24), 1, 1),
    ]
    battles = violence.ViolenceFilter(event_types=("Battles",))
    assert [w.events for w in violence.summary(data["process"], "week", battles)] == [1, 2, 3, 1]


def test_reduction_in_violence_against_its_baseline(data):
    result = violence.compare_with_baseline(
        data["process"], (D(2020, 2, 22), D(2020, 2, 28)), (D(2020, 2, 1), D(2020, 2, 14))
    )
    assert result.events_per_day == (pytest.approx(0.5), pytest.approx(1 / 7))  # 7/14, 1/7
    assert result.fatalities_per_day == (pytest.approx(1.0), pytest.approx(1 / 7))  # 14/14, 1/7
    assert result.events_change == pytest.approx(-71.43, abs=0.01)
    assert result.fatalities_change == pytest.approx(-85.71, abs=0.01)
    # 1 event against 7: too few to say "down 71.4 %"; the counts stand next to the rates.
    chart = dashboard.Dashboard(data["process"]).chart("riv")
    row = chart.rows[0]
    assert (row["period_events"], row["baseline_events"]) == (1, 7)
    assert (row["period_fatalities"], row["baseline_fatalities"]) == (1, 14)
    assert row["events_change_percent"] is None and row["fatalities_change_percent"] is None
    assert "1 event and 1 fatality in 7 days (0.14 and 0.14 per day)" in chart.summary
    assert "7 events and 14 fatalities in the 14-day baseline (0.50 and 1.00 per day)" in (
        chart.summary
    )
    assert "Too few events to compare (fewer than 10 in a period)" in chart.summary
    assert "down" not in chart.summary and "71" not in chart.summary
    assert "at least 10 events" in chart.note


def test_reduction_in_violence_gives_a_change_once_both_periods_have_ten_events(data):
    for day in range(1, 15):  # 14 more in the baseline: 21 events in 14 days, 1.5 a day
        factories.violence(data["process"], D(2020, 2, day), fatalities=0)
    for day in range(22, 31):  # 9 more in the period: 10 events in 7 days, 1.43 a day
        factories.violence(data["process"], D(2020, 2, min(day, 28)), fatalities=0)
    db.session.commit()
    chart = dashboard.Dashboard(data["process"]).chart("riv")
    row = chart.rows[0]
    assert (row["period_events"], row["baseline_events"]) == (10, 21)
    assert row["events_change_percent"] == -4.8  # 10/7 against 21/14
    assert "10 events and 1 fatality in 7 days (1.43 and 0.14 per day)" in chart.summary
    assert "events down 4.8\u00a0%" in chart.summary and "Too few" not in chart.summary
    # Events and fatalities are drawn on two panels (axes), each bar labelled with its count.
    traces = chart.figure["data"]
    assert {t["yaxis"] for t in traces if "events" in t["hovertemplate"]} == {"y"}
    assert {t["yaxis"] for t in traces if "fatalities" in t["hovertemplate"]} == {"y2"}
    assert [t["text"][0] for t in traces if t["yaxis"] == "y"] == ["21 in 14 d", "10 in 7 d"]


def test_map_groups_nearby_reports_into_one_marker(data):
    grid, cells = violence_map.map_cells(data["process"])
    kabul = [c for c in cells if c.latitude == 34.5 and c.event_type == "Battles"]
    assert grid == 0.01
    assert (kabul[0].events, kabul[0].fatalities, kabul[0].locations) == (4, 7, 2)
    # Three cells (Kabul twice by type, Kandahar) exceed a limit of 2 on every grid: the
    # coarsest grid is used rather than one marker per report.
    coarse_grid, coarse = violence_map.map_cells(data["process"], max_cells=2)
    assert coarse_grid == violence_map.MAP_GRID_DEGREES[-1] and len(coarse) == 3


def test_captions_count_records_and_sources_shown(data):
    board = dashboard.Dashboard(data["process"])
    progress = board.chart("progress")
    assert (progress.records, progress.sources, progress.as_of) == (6, 1, D(2020, 4, 20))
    chart = board.chart("violence")
    assert (chart.records, chart.sources, chart.as_of) == (8, 1, D(2020, 2, 24))


def test_filters_cut_tables_and_csv_rows_alike(data):
    params = dashboard.parse_params({"from": "2020-04-12", "to": "2020-04-13"})
    chart = dashboard.Dashboard(data["process"], params).chart("progress")
    assert [(r["side"], r["date"], r["cumulative"]) for r in chart.rows] == [
        ("Government releases Taliban prisoners", D(2020, 4, 13), 361),
        ("Taliban releases Government prisoners", D(2020, 4, 12), 20),
    ]
    lines = dashboard.chart_csv(chart).splitlines()
    assert lines[0] == "commitment_id,side,date,cumulative,percent,records"
    assert lines[1].split(",")[2:5] == ["2020-04-13", "361", "7.22"]


def test_bad_filters_are_explained_and_ignored():
    params = dashboard.parse_params({"from": "yesterday", "interval": "year", "event_type": "War"})
    assert set(params.errors) == {"from", "interval", "event_type"}
    assert (params.date_from, params.interval, params.event_types) == (None, "week", ())


def test_demo_numbers_by_hand(demo):
    with demo.app_context():
        board = dashboard.Dashboard(find_process("afghanistan-2020"))
        ratio = {r["date"]: r["ratio"] for r in board.chart("ratio").rows}
        assert ratio[D(2020, 4, 12)] == 10  # 200 / 20
        assert ratio[D(2020, 7, 30)] == round(4400 / 1005, 3)
        assert ratio[D(2020, 9, 2)] == round(5197 / 1005, 3)
        assert board.chart("pace").sentences == [
            "Afghan government releases Taliban prisoners: Target reached on 2 Sep 2020, "
            "176 days after the deadline.",
            "Taliban releases Afghan government prisoners: Target reached on 30 Jul 2020, "
            "142 days after the deadline.",
        ]
        # Both exchange terms full (3 + 3), the RIV term without a status (0): 6 / 9.
        score = board.chart("score").rows[-1]
        assert (score["date"], score["score"]) == (D(2020, 9, 2), 66.67)


def test_violence_axes_never_show_fractions_of_an_event(demo):
    # The demo has one report: Plotly would tick the count axes at 0.5 steps.
    with demo.app_context():
        layout = (
            dashboard.Dashboard(find_process("afghanistan-2020")).chart("violence").figure["layout"]
        )
    for axis in ("yaxis", "yaxis2"):
        assert layout[axis]["tickformat"] == ",d"
        assert layout[axis]["dtick"] == 1
