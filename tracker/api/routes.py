"""API views: parse the request, call a service, return JSON."""

from flask import abort, jsonify, url_for

from tracker.api import bp
from tracker.api.openapi import openapi_document
from tracker.extensions import db
from tracker.models import Commitment
from tracker.services.progress import PUBLIC, commitment_progress
from tracker.services.public import (
    find_process,
    iso,
    process_detail,
    process_summary,
    published_processes,
    visible_commitments,
)


@bp.get("/processes")
def processes():
    """Every published process."""
    items = []
    for process in published_processes():
        item = process_summary(process)
        item["url"] = url_for("api.process", slug=process.slug, _external=False)
        items.append(item)
    return jsonify({"processes": items})


@bp.get("/processes/<slug>")
def process(slug: str):
    """A published process with its agreements, commitments, their status and progress."""
    found = find_process(slug)
    if found is None:
        abort(404, f"No published process with slug {slug!r}.")
    return jsonify(process_detail(found))


@bp.get("/commitments/<int:commitment_id>/progress")
def commitment_progress_view(commitment_id: int):
    """Progress of a published commitment: achieved, percent, projection and the series."""
    commitment = db.session.get(Commitment, commitment_id)
    process = commitment.agreement.process if commitment else None
    if (
        commitment is None
        or process.status not in PUBLIC
        or commitment not in visible_commitments(process)
    ):
        abort(404, f"No published commitment with id {commitment_id}.")
    progress = commitment_progress(commitment)
    return jsonify(
        {
            "commitment_id": commitment.id,
            "target": commitment.target,
            "unit": commitment.unit,
            "deadline": iso(commitment.deadline),
            "achieved": progress.achieved,
            "percent": progress.percent,
            "as_of": iso(progress.as_of),
            "projected_completion": iso(progress.projected_completion),
            "completed_on": iso(progress.completed_on),
            "series": [
                {"date": point.date.isoformat(), "cumulative": point.cumulative}
                for point in progress.series
            ],
        }
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
