"""API views: parse the request, call a service, return JSON."""

from flask import abort, jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.api import bp, params
from tracker.api.openapi import openapi_document
from tracker.errors import error_response
from tracker.extensions import db
from tracker.models import ViolenceReport
from tracker.permissions import published_process_or_404
from tracker.services.dashboard import cache
from tracker.services.figures.progress import commitment_progress
from tracker.services.figures.public import find_commitment, process_detail, published_processes
from tracker.services.figures.violence import filtered_reports, summary
from tracker.services.interchange.serializers import iso, process_summary, violence_item


@bp.errorhandler(params.BadParameterError)
def bad_parameter(error: params.BadParameterError):
    """400 with a JSON error that names the parameter."""
    return error_response(400, f"Bad parameter {error.name!r}: {error.message}.")


@bp.after_request
def cache_and_cors(response):
    """Every GET: an ETag (answering If-None-Match with 304), and open CORS for reading."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.headers.setdefault("Cache-Control", "public, max-age=60")
        response.make_conditional(request)
    return response


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
    return jsonify(process_detail(published_process_or_404(slug)))


@bp.get("/commitments/<int:commitment_id>/progress")
def commitment_progress_view(commitment_id: int):
    """Progress of a published commitment: achieved, percent, projection and the series."""
    commitment = find_commitment(commitment_id)
    if commitment is None:
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


@bp.get("/processes/<slug>/violence")
def violence(slug: str):
    """Published violence reports of a process, filtered, in date order, a page at a time."""
    found = published_process_or_404(slug)
    filters = params.violence_filter()
    page, per_page = params.pagination()
    query = filtered_reports(found, filters)
    total = cache.cached(
        ("violence-total", found.id, filters),
        lambda: db.session.scalar(select(func.count()).select_from(query.subquery())),
    )
    # The page's ids first, from the (process, status, date, id) index alone, then only those
    # rows: a deep page skips index entries, never whole rows.
    page_ids = (
        query.with_only_columns(ViolenceReport.id)
        .order_by(ViolenceReport.event_date, ViolenceReport.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    reports = db.session.scalars(
        select(ViolenceReport)
        .where(ViolenceReport.id.in_(page_ids.scalar_subquery()))
        .options(selectinload(ViolenceReport.claims), selectinload(ViolenceReport.sources))
        .order_by(ViolenceReport.event_date, ViolenceReport.id)
    )
    return jsonify(
        {
            "items": [violence_item(report) for report in reports],
            "page": page,
            "per_page": per_page,
            "total": total,
        }
    )


@bp.get("/processes/<slug>/violence/summary")
def violence_summary(slug: str):
    """Events and fatalities per day, week or month (with the list's filters)."""
    found = published_process_or_404(slug)
    interval = params.interval()
    filters = params.violence_filter()
    periods = cache.cached(
        ("summary", found.id, interval, filters), lambda: summary(found, interval, filters)
    )
    return jsonify(
        {
            "interval": interval,
            "periods": [
                {"start": p.start.isoformat(), "events": p.events, "fatalities": p.fatalities}
                for p in periods
            ],
        }
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
