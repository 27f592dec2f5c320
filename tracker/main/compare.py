"""Compare processes: a public page putting chosen terms of different processes on one chart
(percent of target against days since signing), with its table and CSV."""

from __future__ import annotations

from flask import Response, render_template, request

from tracker.main import bp
from tracker.models.base import MAX_ID
from tracker.services.dashboard import compare
from tracker.services.dashboard.assemble import chart_csv


def requested_ids() -> tuple[list[int], list[str]]:
    """The ``c`` parameters as term ids, and a message for each that is not one."""
    ids, errors = [], []
    for raw in request.args.getlist("c"):
        if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
            ids.append(int(raw))
        else:
            errors.append(f"The choice “{raw[:40]}” is not a term id; it was left out.")
    return ids, errors


def comparison():
    """The choices, the chosen terms, messages and the chart, from the query string."""
    available = compare.choices()
    ids, errors = requested_ids()
    picked, more = compare.chosen(available, ids)
    return available, picked, errors + more, compare.comparison_chart(picked)


@bp.get("/compare")
def compare_page():
    """Chosen terms of several processes on one chart, with the picker, table and CSV link."""
    available, picked, errors, chart = comparison()
    return render_template(
        "main/compare.html",
        available=available,
        picked={choice.commitment.id for choice in picked},
        errors=errors,
        chart=chart,
        query={"c": [choice.commitment.id for choice in picked]},
    )


@bp.get("/compare.csv")
def compare_csv():
    """The comparison chart's table as CSV: the same rows the page shows."""
    *_, chart = comparison()
    return Response(
        chart_csv(chart),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="compare-processes.csv"'},
    )
