"""Public pages behind the numbers: a chart's data as CSV, a release record, a violence report."""

from __future__ import annotations

from flask import abort, render_template, request

from tracker.extensions import db
from tracker.main import bp, shared_answers
from tracker.models import PeaceProcess
from tracker.permissions import published_process_or_404
from tracker.services.dashboard import assemble as dashboard
from tracker.services.dashboard import cache
from tracker.services.interchange.kept_columns import citation


def chart_or_404(slug: str, key: str):
    """(process, filters, chart) for one chart of a published process, or a friendly 404."""
    found = published_process_or_404(slug)
    if key not in dashboard.BUILDERS:
        abort(404, f"There is no chart called {key!r}.")
    params = dashboard.parse_params(request.args)
    chart = dashboard.Dashboard(found, params).chart(key)
    if chart is None:
        abort(404, no_chart_data(key))
    return found, params, chart


def no_chart_data(key: str) -> str:
    return f"The process has no data for the {key!r} chart."


@bp.get("/processes/<slug>/charts/<key>.csv")
def chart_csv(slug: str, key: str):
    """The rows of one chart's data table as CSV, under the same filters as the page: the
    same for every viewer (published data only), so kept whole (see shared_answers)."""
    process_id = shared_answers.published_process_id(slug)
    if key not in dashboard.BUILDERS:
        abort(404, f"There is no chart called {key!r}.")
    params = dashboard.parse_params(request.args)
    cache_key = ("chart-csv", key, process_id, params.cache_key())
    body = cache.cached(cache_key, lambda: _chart_csv(process_id, params, key))
    if body is None:
        abort(404, no_chart_data(key))
    return shared_answers.encoded(
        cache_key,
        body,
        "text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{key}.csv"'},
    )


def _chart_csv(process_id: int, params, key: str) -> str | None:
    """One chart's CSV, or None when the process has no data for it."""
    found = db.session.get(PeaceProcess, process_id)
    chart = dashboard.Dashboard(found, params).chart(key)
    return None if chart is None else dashboard.chart_csv(chart)


@bp.get("/processes/<slug>/charts/<key>/table")
def chart_table(slug: str, key: str):
    """One chart's data table on a page of its own; the process page fetches long ones from here
    when their table is opened, instead of sending every row with the first HTML."""
    found, params, chart = chart_or_404(slug, key)
    return render_template("main/chart_table.html", process=found, params=params, chart=chart)


@bp.get("/processes/<slug>/releases/<int:record_id>")
def release(slug: str, record_id: int):
    """A published release record with its sources, verification and precision."""
    found = published_process_or_404(slug)
    record = dashboard.public_release(found, record_id)
    if record is None:
        abort(404, f"There is no published release record {record_id} in this process.")
    return render_template("main/release.html", process=found, record=record)


@bp.get("/processes/<slug>/violence/<int:report_id>")
def violence_report(slug: str, report_id: int):
    """A published violence report with its sources, claims, verification and precision."""
    found = published_process_or_404(slug)
    report = dashboard.public_report(found, report_id)
    if report is None:
        abort(404, f"There is no published violence report {report_id} in this process.")
    cited = citation(report.dataset)
    return render_template(
        "main/violence_report.html",
        process=found,
        report=report,
        citations=[cited] if cited else [],
    )
