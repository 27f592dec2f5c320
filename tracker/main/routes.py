"""Public page views: parse the request, call a service, render."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import abort, render_template, send_from_directory
from plotly.offline import get_plotlyjs_version

from tracker.main import bp
from tracker.services.charts import progress_figure
from tracker.services.progress import progress_for
from tracker.services.public import (
    find_process,
    latest_record_date,
    published_processes,
    visible_commitments,
)

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
PLOTLY_VERSION = get_plotlyjs_version()


@bp.app_context_processor
def asset_versions() -> dict:
    """Template access to the plotly.js version, which names its cache-busting URL."""
    return {"plotly_version": PLOTLY_VERSION}


@bp.get("/")
def index():
    """Every published process with headline progress for each countable commitment."""
    cards = []
    for process in published_processes():
        commitments = [c for c in visible_commitments(process) if c.is_countable]
        cards.append(
            {
                "process": process,
                "commitments": commitments,
                "progress": progress_for(commitments),
                "latest": latest_record_date(process),
            }
        )
    return render_template("main/index.html", cards=cards)


@bp.get("/processes/<slug>")
def process(slug: str):
    """A process's dashboard: its terms, their progress, and the cumulative releases chart."""
    found = find_process(slug)
    if found is None:
        abort(404, f"There is no published process called {slug!r}.")
    commitments = visible_commitments(found)
    countable = [c for c in commitments if c.is_countable]
    progress = progress_for(countable)
    milestones = [m for m in found.milestones if m.status == "published"]
    figure = progress_figure(countable, progress, milestones) if countable else None
    return render_template(
        "main/process.html",
        process=found,
        commitments=commitments,
        countable=countable,
        progress=progress,
        milestones=milestones,
        progress_chart=figure,
        latest=latest_record_date(found),
    )


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str):
    """plotly.js from the plotly package's own bundled copy: no CDN, cacheable for a year."""
    if version != PLOTLY_VERSION:
        abort(404)
    response = send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=365 * 24 * 3600)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
