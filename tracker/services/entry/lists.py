"""Researchers' lists of records: filters from a query string, applied in SQL, paginated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select

from tracker.extensions import db
from tracker.models import Agreement, Commitment, ReleaseRecord, ViolenceReport
from tracker.services.entry.save import Kind
from tracker.services.figures.violence import ViolenceFilter, apply_filters
from tracker.services.rules.filters import filters_from_request

PER_PAGE = 25
FILTERS = {
    "release": ("process", "commitment", "date_from", "date_to", "status", "verification"),
    "violence": (
        "process",
        "date_from",
        "date_to",
        "status",
        "verification",
        "event_type",
        "actor",
    ),
}


@dataclass
class Listing:
    """One page of a filtered list, with the filters as understood and any filter errors."""

    items: list
    page: int
    pages: int
    total: int
    filters: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_filters(kind: Kind, args: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The kind's filters from the query string; a bad value is reported and left out."""
    found = filters_from_request(args, FILTERS.get(kind.name, ("status",) if kind.reviewed else ()))
    return found.values, found.errors


def _release_query(filters: dict[str, Any]) -> Select:
    query = select(ReleaseRecord).join(Commitment).join(Agreement)
    if "process" in filters:
        query = query.where(Agreement.process_id == filters["process"])
    if "commitment" in filters:
        query = query.where(ReleaseRecord.commitment_id == filters["commitment"])
    if "date_from" in filters:
        query = query.where(ReleaseRecord.date >= filters["date_from"])
    if "date_to" in filters:
        query = query.where(ReleaseRecord.date <= filters["date_to"])
    return query.order_by(ReleaseRecord.date.desc(), ReleaseRecord.id.desc())


def _violence_query(filters: dict[str, Any]) -> Select:
    query = select(ViolenceReport)
    if "process" in filters:
        query = query.where(ViolenceReport.process_id == filters["process"])
    query = apply_filters(
        query,
        ViolenceFilter(
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            event_types=filters.get("event_type", ()),
            actor=filters.get("actor"),
        ),
    )
    return query.order_by(ViolenceReport.event_date.desc(), ViolenceReport.id.desc())


def listing(kind: Kind, args: Mapping[str, str]) -> Listing:
    """A page of the kind's records matching the filters in ``args`` (page=N to move on)."""
    filters, errors = parse_filters(kind, args)
    if kind.name == "release":
        query = _release_query(filters)
    elif kind.name == "violence":
        query = _violence_query(filters)
    else:
        query = select(kind.model).order_by(kind.model.id.desc())
    if "status" in filters:
        query = query.where(kind.model.status == filters["status"])
    if "verification" in filters:
        query = query.where(kind.model.verification == filters["verification"])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = args.get("page", "1")
    page = min(max(int(page), 1), pages) if page.isdigit() else 1
    items = list(db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    return Listing(items, page, pages, total, filters, errors)
