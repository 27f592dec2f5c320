"""Pending revisions of published records: propose a change, diff it, write it when published.

A published (or archived) record's row holds its public version. While review is required,
every change to such a record (a form, a history restore, an import, archiving or restoring
it) becomes its pending revision (:class:`tracker.models.Revision`) and leaves the row as it
is; :func:`tracker.services.entry.review.publish` writes the revision onto the row. A draft
(a record never published, status ``under_review``) is edited in place: nothing public moves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, select

from tracker.extensions import db
from tracker.models import AuditEvent, Revision
from tracker.models.base import utcnow
from tracker.services.entry.audit import IGNORED, _current_user, _label, jsonable

# Statuses of records that have had a reviewed, public life: changes to them are revisions.
REVIEWED_LIFE = ("published", "archived")


def pending(kind: Any, record_id: int) -> Revision | None:
    """The record's pending revision, if any."""
    return db.session.scalar(
        select(Revision).where(Revision.entity_type == kind.entity, Revision.entity_id == record_id)
    )


def pending_for(kind: Any, record_ids: list[int]) -> dict[int, Revision]:
    """Pending revisions of many records of one kind, by record id (one query)."""
    if not record_ids:
        return {}
    query = select(Revision).where(
        Revision.entity_type == kind.entity, Revision.entity_id.in_(record_ids)
    )
    return {revision.entity_id: revision for revision in db.session.scalars(query)}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def extra_columns(kind: Any) -> list[str]:
    """Columns of content no form edits (ACLED's kept columns, the source as named, a PA-X id):
    imports write them, so a revision carries them too, or publishing would drop them."""
    skipped = {"id", "status", "created_by_id", *IGNORED}
    return [
        attr.key
        for attr in kind.model.__mapper__.column_attrs
        if attr.key not in kind.parsers and attr.key not in skipped
    ]


def _with_extras(kind: Any, record: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {**values, **{name: _json(getattr(record, name)) for name in extra_columns(kind)}}


def to_json(kind: Any, clean: dict[str, Any]) -> dict[str, Any]:
    """Clean values (as :func:`entry.validate` gives them) in a JSON-safe form."""
    values = {name: _json(clean[name]) for name in kind.parsers if name in clean}
    if kind.sources:
        values["sources"] = [dict(row) for row in clean.get("sources", [])]
    if kind.claims:
        values["claims"] = [
            {**row, "date": _json(row.get("date")), "source_url": list(row.get("source_url") or [])}
            for row in clean.get("claims", [])
        ]
    for name in kind.relations:
        values[name] = list(clean.get(name) or [])
    return values


def from_json(kind: Any, values: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe values back to clean values that :func:`entry.apply` writes."""
    clean: dict[str, Any] = {}
    for name in kind.parsers:
        value = values.get(name)
        column = kind.model.__table__.columns.get(name)
        if value is not None and column is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        clean[name] = value
    if kind.sources:
        clean["sources"] = [dict(row) for row in values.get("sources", [])]
    if kind.claims:
        clean["claims"] = [
            {**row, "date": date.fromisoformat(row["date"]) if row.get("date") else None}
            for row in values.get("claims", [])
        ]
    for name in kind.relations:
        clean[name] = list(values.get(name) or [])
    for name in extra_columns(kind):
        if name in values:
            clean[name] = _from_json_value(kind, name, values[name])
    return clean


def _from_json_value(kind: Any, name: str, value: Any) -> Any:
    column = kind.model.__table__.columns.get(name)
    if value is not None and column is not None and isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def snapshot(kind: Any, record: Any) -> dict[str, Any]:
    """The record's current values, JSON-safe, in the shape of :func:`to_json`."""
    values = {name: _json(getattr(record, name)) for name in kind.parsers}
    if kind.sources:
        values["sources"] = [
            {"url": s.url, "publisher": s.publisher or "", "title": s.title or ""}
            for s in record.sources
        ]
    if kind.claims:
        values["claims"] = [
            {
                "actor": claim.actor,
                "stance": claim.stance,
                "date": _json(claim.stated_on),
                "notes": claim.notes or "",
                "source_url": [source.url for source in claim.sources],
            }
            for claim in record.claims
        ]
    for name in kind.relations:
        values[name] = [item.id for item in getattr(record, name)]
    return _with_extras(kind, record, values)


def comparable(kind: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Values as compared for a diff: sources by URL only (their titles are the source's)."""
    shown = dict(values)
    if kind.sources:
        shown["sources"] = sorted(row["url"] for row in values.get("sources", []))
    for name, load in kind.relations.items():
        shown[name] = sorted(jsonable(item) for item in load(values.get(name) or []))
    return shown


def diff(kind: Any, before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict]:
    """``{field: {"before", "after"}}`` for the fields that differ."""
    old, new = comparable(kind, before), comparable(kind, after)
    return {
        name: {"before": old.get(name), "after": new.get(name)}
        for name in new
        if old.get(name) != new.get(name)
    }


def proposed_values(kind: Any, record: Any, revision: Revision | None = None) -> dict[str, Any]:
    """What an editor continues from: the pending revision's values, else the record's."""
    revision = revision if revision is not None else pending(kind, record.id)
    return dict(revision.values) if revision is not None else snapshot(kind, record)


def propose(
    kind: Any,
    record: Any,
    values: dict[str, Any],
    user_id: int | None,
    status: str | None = None,
    batch: str = "",
    warnings: list[str] | None = None,
) -> Revision | None:
    """Create or update the record's pending revision; the record's row stays as it is.

    ``values`` are JSON-safe (see :func:`to_json`); ``status`` is the status the record asks
    for (archiving, restoring). A revision that would change nothing is dropped. The record's
    version is bumped (its content is not touched), so two editors of one record still see
    each other's saves as conflicts. The caller commits.
    """
    revision = pending(kind, record.id)
    before = revision.values if revision is not None else snapshot(kind, record)
    # A form proposes no extra columns: those an import proposed earlier stay proposed.
    values = {**{n: before[n] for n in extra_columns(kind) if n in before}, **values}
    before_status = revision.status if revision is not None else record.status
    wanted_status = status or before_status
    if revision is None:
        revision = Revision(
            entity_type=kind.entity,
            entity_id=record.id,
            base_version=record.version,
            created_by_id=user_id,
            author_ids=[],
            warnings=[],
            comment="",
            batch=batch,
        )
        db.session.add(revision)
    revision.values = values
    revision.status = wanted_status
    revision.comment = ""  # written again: a reviewer's comment has been answered
    if user_id is not None and user_id not in revision.author_ids:
        revision.author_ids = [*revision.author_ids, user_id]
    if warnings:
        new = [warning for warning in warnings if warning not in revision.warnings]
        revision.warnings = [*revision.warnings, *new]
    if batch:
        revision.batch = batch
    revision.updated_at = utcnow()
    changes = diff(kind, before, values)
    if before_status != wanted_status:
        changes["status"] = {"before": before_status, "after": wanted_status}
    _audit_revision(kind, record, changes)
    if not diff(kind, snapshot(kind, record), values) and wanted_status == record.status:
        # Back to the published version: nothing is left to review.
        if revision in db.session.new:
            db.session.expunge(revision)
        else:
            db.session.delete(revision)
        revision = None
    record.updated_at = utcnow()  # an UPDATE under the version check; no content changes
    return revision


def _audit_revision(kind: Any, record: Any, changes: dict) -> None:
    """A "revise" audit event: who proposed what, against the previous proposal."""
    if not changes:
        return
    user_id, email = _current_user()
    db.session.add(
        AuditEvent(
            occurred_at=utcnow(),
            user_id=user_id,
            actor=email or db.session.info.get("audit_actor", ""),
            action="revise",
            entity_type=kind.entity,
            entity_id=record.id,
            summary=_label(record)[:500],
            changes=changes,
        )
    )
