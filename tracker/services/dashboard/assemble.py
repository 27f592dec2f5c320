"""A process's dashboard: every chart's figure, data table, caption counts and CSV rows.

The one place that pages, CSV downloads and tests use. Each chart is built from the same
progress and aggregation functions as the API (progress.py, pace.py, violence.py), so a page,
its CSV and the API can never disagree: the table under a chart and its CSV are the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from tracker.extensions import db
from tracker.models import PeaceProcess, ReleaseRecord, ViolenceReport
from tracker.models.base import PAM_STATUS_LABELS
from tracker.services.dashboard import cache
from tracker.services.dashboard import plot_releases as charts
from tracker.services.dashboard.board import Board
from tracker.services.dashboard.chart import (  # noqa: F401  - re-exported for views
    Chart,
    Column,
    DashboardParams,
    parse_params,
)
from tracker.services.dashboard.violence import build_map, build_riv, build_violence
from tracker.services.figures import pace, ratio, score, violence, wording
from tracker.services.figures.progress import PUBLIC, implementation_score, pam_status
from tracker.services.figures.public import is_visible_commitment
from tracker.services.figures.wording import side_label
from tracker.services.interchange.csvfile import csv_lines


def build_progress(board: Board) -> Chart | None:
    """Cumulative releases of each side against its target."""
    if not board.countable:
        return None
    records_by_date: dict[tuple[int, date], list[int]] = {}
    for record in board.release_records:
        records_by_date.setdefault((record.commitment_id, record.date), []).append(record.id)
    rows, parts = [], []
    for commitment in board.countable:
        item = board.progress[commitment.id]
        for point in item.series:
            if board.in_range(point.date):
                rows.append(
                    {
                        "commitment_id": commitment.id,
                        "side": side_label(commitment),
                        "date": point.date,
                        "cumulative": point.cumulative,
                        "percent": pace_percent(point.cumulative, commitment.target),
                        "records": records_by_date.get((commitment.id, point.date), []),
                    }
                )
        prefix = "up to " if commitment.target_is_maximum else ""
        parts.append(
            f"{side_label(commitment)}: {item.achieved:,} of {prefix}"
            f"{commitment.target:,} ({wording.percent(item.percent or 0)})"
            f" as of {wording.long_date(item.as_of)}"
        )
    figure = charts.progress_figure(
        board.countable,
        board.progress,
        board.milestones,
        board.release_records,
        board.params.date_from,
        board.params.date_to,
    )
    columns = [
        Column("commitment_id", "Term id", "number"),
        Column("side", "Side"),
        Column("date", "Date", "date"),
        Column("cumulative", "Cumulative released", "number"),
        Column("percent", "% of target", "percent"),
        Column("records", "Release records", "records"),
    ]
    return board.release_chart(
        "progress",
        "Cumulative prisoner releases against the targets",
        ". ".join(parts) + ".",
        figure,
        columns,
        rows,
        note="Line: progress (a reported running total counts with the batches after it). "
        "Diamonds: reported running totals, with low/high estimates as error bars. "
        "Dashed lines: targets. Dotted line: deadline.",
    )


def pace_percent(value: int, target: int | None) -> float | None:
    """Percent of target rounded to two decimals for tables and CSV (display only)."""
    return round(value * 100 / target, 2) if target else None


def build_ratio(board: Board) -> Chart | None:
    """One side's releases over the other's, against the agreed ratio."""
    pair = ratio.exchange_pair(board.countable)
    if pair is None:
        return None
    first, second = pair
    agreed = ratio.agreed_ratio(pair)
    points = [
        p
        for p in ratio.ratio_series(
            board.progress[first.id].series, board.progress[second.id].series
        )
        if board.in_range(p.date)
    ]
    top = first.obligated_party.label
    bottom = second.obligated_party.label
    rows = [
        {
            "date": p.date,
            "numerator": p.numerator,
            "denominator": p.denominator,
            "ratio": round(p.ratio, 3) if p.ratio is not None else None,
        }
        for p in points
    ]
    latest = next((p for p in reversed(points) if p.ratio is not None), None)
    summary = f"Agreed ratio {agreed:g}:1 ({first.target:,} for {second.target:,})."
    if latest:
        summary += (
            f" On {wording.long_date(latest.date)}: {latest.numerator:,} released by {top} for "
            f"{latest.denominator:,} by {bottom}, a ratio of {latest.ratio:.2f}:1."
        )
    columns = [
        Column("date", "Date", "date"),
        Column("numerator", f"Released by {top}", "number"),
        Column("denominator", f"Released by {bottom}", "number"),
        Column("ratio", "Ratio (to 1)", "number"),
    ]
    figure = charts.ratio_figure(points, agreed, top, bottom)
    return board.release_chart(
        "ratio", f"Exchange ratio: {top} releases per {bottom} release", summary, figure, columns,
        rows, note=f"Dashed line: the agreed ratio, {agreed:g}:1. "
        f"No ratio while {bottom} has released none.",
    )  # fmt: skip


def build_pace(board: Board) -> Chart | None:
    """Releases per week, and the projection sentence for every countable term."""
    if not board.countable:
        return None
    weekly, rows, sentences = {}, [], []
    for commitment in board.countable:
        item = board.progress[commitment.id]
        weekly[commitment.id] = [
            w for w in pace.weekly_releases(item.series) if board.in_range(w.week_start)
        ]
        for week in weekly[commitment.id]:
            rows.append(
                {
                    "side": side_label(commitment),
                    "week_start": week.week_start,
                    "released": week.released,
                    "cumulative": week.cumulative,
                }
            )
        sentences.append(f"{side_label(commitment)}: {pace.projection_sentence(item)}")
    columns = [
        Column("side", "Side"),
        Column("week_start", "Week starting (Monday)", "date"),
        Column("released", "Released that week", "number"),
        Column("cumulative", "Cumulative at week end", "number"),
    ]
    figure = charts.pace_figure(board.countable, weekly, board.progress)
    return board.release_chart(
        "pace", "Pace of releases per week, and the projection", " ".join(sentences), figure,
        columns, rows, sentences=sentences,
        note="Projection: at the pace of the 30 days up to the latest record.",
    )  # fmt: skip


def build_score(board: Board) -> Chart | None:
    """Each agreement's PAM implementation score over time, with its terms' statuses."""
    agreements = [a for a in board.process.agreements if a.status in PUBLIC]
    scores = {}
    rows = []
    for agreement in agreements:
        dates = [d for d in score.score_dates(agreement) if board.in_range(d)]
        points = score.score_series(agreement, dates)
        if any(p.score is not None for p in points):
            scores[agreement] = points
        for point in points:
            if point.score is not None:
                rows.append(
                    {
                        "agreement": agreement.title,
                        "date": point.date,
                        "score": round(point.score, 2),
                    }
                )
    if not scores:
        return None
    summary = " ".join(
        f"{a.title}: {wording.percent(points[-1].score)} on {wording.long_date(points[-1].date)}."
        for a, points in scores.items()
    )
    columns = [
        Column("agreement", "Agreement"),
        Column("date", "Date", "date"),
        Column("score", "Implementation score (%)", "number"),
    ]
    return board.release_chart(
        "score", "Implementation score (Peace Accords Matrix)", summary,
        charts.score_figure(scores), columns, rows,
        note="Score: the sum of the terms' statuses (0-3) over 3 x the number of terms.",
    )  # fmt: skip


def term_statuses(board: Board, on: date | None = None) -> list[dict[str, Any]]:
    """Every published term with its PAM status (0-3) today, for the table under the score."""
    on = on or board.params.date_to or date.today()
    rows = []
    for commitment in board.commitments:
        status = pam_status(commitment, on, PUBLIC, board.progress.get(commitment.id))
        rows.append(
            {
                "agreement": commitment.agreement.title,
                "term": commitment.description,
                "status": status,
                "label": PAM_STATUS_LABELS[status],
                "basis": "from progress" if commitment.is_countable else "set by researchers",
            }
        )
    return rows


BUILDERS: dict[str, Callable[[Board], Chart | None]] = {
    "progress": build_progress,
    "ratio": build_ratio,
    "pace": build_pace,
    "score": build_score,
    "violence": build_violence,
    "riv": build_riv,
    "map": build_map,
}


class Dashboard(Board):
    """A process's dashboard: the shared inputs, and every chart built from them."""

    def chart(self, key: str) -> Chart | None:
        """One chart by key (None when the process has nothing for it), cached per data version."""
        return cache.cached(
            ("chart", key, self.process.id, self.params.cache_key()), lambda: BUILDERS[key](self)
        )

    def charts(self) -> list[Chart]:
        """Every chart the process has data or terms for, in page order."""
        return [chart for key in BUILDERS if (chart := self.chart(key)) is not None]


def chart_csv_lines(chart: Chart) -> Iterator[str]:
    """The chart's table as CSV lines: the same rows and columns the page shows."""
    return csv_lines([column.key for column in chart.columns], chart.rows)


def chart_csv(chart: Chart) -> str:
    """The chart's table as one CSV text."""
    return "".join(chart_csv_lines(chart))


def recent_reports(board: Board, limit: int = 50) -> tuple[list, int]:
    """The newest reports matching the filters (each links to its public page), and the total."""
    query = violence.filtered_reports(board.process, board.params.filters)
    reports = list(
        db.session.scalars(
            query.order_by(ViolenceReport.event_date.desc(), ViolenceReport.id.desc()).limit(limit)
        )
    )
    return reports, board.violence_count.records


def public_release(process: PeaceProcess, record_id: int) -> ReleaseRecord | None:
    """A published release record of a published term of this process, or None."""
    record = db.session.get(ReleaseRecord, record_id)
    if record is None or record.status not in PUBLIC:
        return None
    if not is_visible_commitment(record.commitment, PUBLIC, process):
        return None
    return record


def public_report(process: PeaceProcess, report_id: int) -> ViolenceReport | None:
    """A published violence report of this process, or None."""
    report = db.session.get(ViolenceReport, report_id)
    if report is None or report.status not in PUBLIC or report.process_id != process.id:
        return None
    return report


def agreement_scores(process: PeaceProcess, on: date | None = None) -> list[tuple[str, float]]:
    """Each published agreement's implementation score today, for the home page."""
    on = on or date.today()
    return [
        (agreement.title, score)
        for agreement in process.agreements
        if agreement.status in PUBLIC and (score := implementation_score(agreement, on)) is not None
    ]
