"""Downloads: the process bundle and CSV exports. Viewers get published records only;
logged-in researchers and admins get everything, records under review included."""

from __future__ import annotations

import json
from datetime import date

from flask import Response, abort, render_template, request, stream_with_context
from sqlalchemy import select

from tracker.downloads import bp
from tracker.errors import error_response
from tracker.extensions import db
from tracker.models import PeaceProcess
from tracker.models.base import REVIEW_STATUS
from tracker.permissions import can_see_unpublished
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.public import (
    find_commitment,
    find_process,
    published_processes,
    visible_commitments,
)
from tracker.services.interchange.bundle import export_bundle
from tracker.services.interchange.csv_export import releases_csv, violence_csv
from tracker.services.rules.filters import BadFilterError, filters_from_request


def visible_statuses() -> tuple[str, ...]:
    """Everything for researchers, published records only for everyone else."""
    return tuple(REVIEW_STATUS) if can_see_unpublished() else tuple(PUBLIC)


def process_or_404(slug: str):
    """A process the user may export (any status for researchers)."""
    found = find_process(slug, visible_statuses())
    if found is None:
        abort(404, f"There is no published process called {slug!r}.")
    return found


def download(body, filename: str, mimetype: str) -> Response:
    """A response the browser saves under ``filename``; never cached when it holds drafts."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store" if can_see_unpublished() else "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.errorhandler(BadFilterError)
def bad_filter(error: BadFilterError):
    """A wrong filter in a download link: a 400 with a JSON error body naming it."""
    return error_response(400, f"Bad filter {error.name!r}: {error.message}.")


@bp.get("/exports")
def index():
    """Download links for each process the user may see."""
    statuses = visible_statuses()
    if can_see_unpublished():
        processes = db.session.scalars(select(PeaceProcess).order_by(PeaceProcess.name)).all()
    else:
        processes = published_processes()
    items = [
        {
            "process": process,
            "commitments": [
                c for c in visible_commitments(process, statuses) if c.kind == "prisoner_release"
            ],
        }
        for process in processes
    ]
    return render_template("downloads/index.html", items=items, everything=can_see_unpublished())


@bp.get("/exports/processes/<slug>.json")
def process_bundle(slug: str):
    """The whole-process JSON bundle."""
    process = process_or_404(slug)
    document = export_bundle(process, visible_statuses())
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return download(body, f"{process.slug}.json", "application/json")


@bp.get("/exports/processes/<slug>/violence.csv")
def violence_export(slug: str):
    """Violence reports as CSV in the import format, with the list's filters."""
    process = process_or_404(slug)
    found = filters_from_request(request.args, ("from", "to", "event_type", "actor"))
    found.raise_first()
    filters = found.violence()
    statuses = visible_statuses()
    body = stream_with_context(violence_csv(process, filters, statuses))
    name = f"{process.slug}-violence-{date.today().isoformat()}.csv"
    return download(body, name, "text/csv; charset=utf-8")


@bp.get("/exports/commitments/<int:commitment_id>/releases.csv")
def releases_export(commitment_id: int):
    """Release records of one commitment as CSV in the import format."""
    statuses = visible_statuses()
    commitment = find_commitment(commitment_id, statuses)
    if commitment is None:
        abort(404, f"There is no published commitment {commitment_id}.")
    body = stream_with_context(releases_csv(commitment, statuses))
    return download(body, f"commitment-{commitment.id}-releases.csv", "text/csv; charset=utf-8")
