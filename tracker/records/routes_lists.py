"""Lists of records with filters and pagination (GET forms: bookmarkable, no JavaScript)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Commitment
from tracker.models.base import ACLED_EVENT_TYPES, REVIEW_STATUS, VERIFICATION
from tracker.records import bp
from tracker.records.helpers import active_processes, get_kind
from tracker.services.entry.lists import FILTERS, listing


@bp.get("/<kind_name>/")
def record_list(kind_name: str):
    """A kind's records, newest first, filtered by the query string."""
    kind = get_kind(kind_name)
    page = listing(kind, request.args)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "records/list.html",
        kind=kind,
        listing=page,
        filters=FILTERS.get(kind.name, ("status",) if kind.reviewed else ()),
        args=args,
        processes=active_processes(),
        statuses=REVIEW_STATUS,
        verifications=VERIFICATION,
        event_types=list(ACLED_EVENT_TYPES),
        release_terms=release_terms() if "commitment" in FILTERS.get(kind.name, ()) else [],
    ), (400 if page.errors else 200)


def release_terms() -> list[Commitment]:
    """Prisoner-release terms not archived, for the list filter that names them."""
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.kind == "prisoner_release", Commitment.status != "archived")
            .order_by(Commitment.id)
        )
    )
