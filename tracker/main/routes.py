"""Public page views: parse the request, call a service, render."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import abort, render_template, request, send_from_directory
from plotly.offline import get_plotlyjs_version

from tracker.extensions import db
from tracker.main import bp, shared_answers
from tracker.models import PeaceProcess
from tracker.models.base import ACLED_EVENT_TYPES
from tracker.permissions import published_process_or_404
from tracker.services.dashboard import assemble as dashboard
from tracker.services.dashboard import cache
from tracker.services.figures import violence
from tracker.services.figures.progress import progress_for
from tracker.services.figures.public import (
    latest_record_date,
    published_processes,
    visible_commitments,
)
from tracker.services.interchange.kept_columns import dataset_citations

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_VERSION = get_plotlyjs_version()


@bp.app_context_processor
def asset_versions() -> dict:
    """Template access to the plotly.js version, which names its cache-busting URL."""
    return {"plotly_version": PLOTLY_VERSION}


@bp.get("/")
def index():
    """Every published process with headline progress, its score and its latest record."""
    cards = []
    for process in published_processes():
        commitments = [c for c in visible_commitments(process) if c.is_countable]
        cards.append(
            {
                "process": process,
                "commitments": commitments,
                "progress": progress_for(commitments),
                "scores": dashboard.agreement_scores(process),
                "latest": latest_record_date(process),
            }
        )
    return render_template("main/index.html", cards=cards)


@bp.get("/processes/<slug>")
def process(slug: str):
    """A process's dashboard: every chart, its table, caption and CSV link, under the filters.

    For anonymous visitors the rendered page is kept under the data version (see cache.py).
    """
    if not shared_answers.is_shared():
        # A flash message or a user's menu: not shared.
        return render_process(published_process_or_404(slug))
    # Anonymous visitors all see the same page for the same data and filters.
    process_id = shared_answers.published_process_id(slug)
    key = ("process", process_id, tuple(sorted(request.args.items(multi=True))))
    page = cache.cached_page(key, lambda: render_process(db.session.get(PeaceProcess, process_id)))
    return shared_answers.encoded(key, page, "text/html")


def render_process(found):
    """The process page, rendered."""
    params = dashboard.parse_params(request.args)
    board = dashboard.Dashboard(found, params)
    reports, total_reports = dashboard.recent_reports(board)
    return render_template(
        "main/process.html",
        process=found,
        board=board,
        params=params,
        charts=board.charts(),
        terms=dashboard.term_statuses(board),
        reports=reports,
        total_reports=total_reports,
        actors=cache.cached(("actors", found.id), lambda: violence.actors(found)),
        event_types=list(ACLED_EVENT_TYPES),
        latest=latest_record_date(found),
        citations=dataset_citations(found),
    )


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str):
    """plotly.js from the plotly package's own bundled copy: no CDN, cacheable for a year."""
    if version != PLOTLY_VERSION:
        abort(404)
    response = send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=365 * 24 * 3600)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
