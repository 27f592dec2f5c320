"""Public pages behind the numbers: a chart's data as CSV, a release record, a violence report."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from tracker.main import bp
from tracker.main.routes import published_or_404
from tracker.services.dashboard import assemble as dashboard


@bp.get("/processes/<slug>/charts/<key>.csv")
def chart_csv(slug: str, key: str):
    """The rows of one chart's data table as CSV, under the same filters as the page."""
    found = published_or_404(slug)
    if key not in dashboard.BUILDERS:
        abort(404, f"There is no chart called {key!r}.")
    board = dashboard.Dashboard(found, dashboard.parse_params(request.args))
    chart = board.chart(key)
    if chart is None:
        abort(404, f"The process has no data for the {key!r} chart.")
    return Response(
        dashboard.chart_csv_lines(chart),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{found.slug}-{key}.csv"'},
    )


@bp.get("/processes/<slug>/releases/<int:record_id>")
def release(slug: str, record_id: int):
    """A published release record with its sources, verification and precision."""
    found = published_or_404(slug)
    record = dashboard.public_release(found, record_id)
    if record is None:
        abort(404, f"There is no published release record {record_id} in this process.")
    return render_template("main/release.html", process=found, record=record)


@bp.get("/processes/<slug>/violence/<int:report_id>")
def violence_report(slug: str, report_id: int):
    """A published violence report with its sources, claims, verification and precision."""
    found = published_or_404(slug)
    report = dashboard.public_report(found, report_id)
    if report is None:
        abort(404, f"There is no published violence report {report_id} in this process.")
    return render_template("main/violence_report.html", process=found, report=report)
