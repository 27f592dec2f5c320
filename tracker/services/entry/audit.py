"""The audit trail: every insert, update and delete of a tracked record becomes an AuditEvent.

A ``after_flush`` listener reads each object's attribute history, so no code path (forms, CLI,
imports) can change a record without leaving a trace. Callers name the action when it is more
than a plain edit (``publish``, ``restore``, ``import``) with :func:`audit_context`.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE

from tracker.models import (
    Agreement,
    AuditEvent,
    Claim,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
    ReleaseRecord,
    Source,
    User,
    ViolenceReport,
)
from tracker.models.base import utcnow

AUDITED = (
    PeaceProcess,
    Party,
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    ReleaseRecord,
    ViolenceReport,
    Claim,
    Source,
    User,
)
ENTITY_NAMES = {model: model.__tablename__.rstrip("s") for model in AUDITED}
ENTITY_NAMES[PeaceProcess] = "process"
ENTITY_NAMES[Party] = "party"
ENTITY_NAMES[CommitmentStatusChange] = "status_change"
# Bookkeeping columns: their changes say nothing a reader of the history needs.
IGNORED = {
    "created_at",
    "updated_at",
    "version",
    "session_token",
    "last_login_at",
    "fingerprint",
    "import_batch",
}
SECRET = {"password_hash"}
COLLECTIONS = ("sources", "signatories")
PLAIN = frozenset((str, int, float, bool))


def jsonable(value: Any) -> Any:
    """A JSON-safe form of a column value or related object."""
    if value is None or type(value) in PLAIN:
        return value  # the common case, checked first: a bulk import audits many columns
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Source):
        return value.url
    if isinstance(value, Party):
        return value.name
    return value


@contextlib.contextmanager
def audit_context(session: Session, action: str | None = None, actor: str | None = None):
    """Name the action (and, outside a request, the actor) of the changes flushed inside."""
    saved = dict(session.info)
    if action:
        session.info["audit_action"] = action
    if actor:
        session.info["audit_actor"] = actor
    try:
        yield
    finally:
        session.info.clear()
        session.info.update(saved)


def _current_user() -> tuple[int | None, str]:
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
    return None, ""


def _column_changes(obj, created: bool) -> dict[str, dict[str, Any]]:
    state = inspect(obj)
    loaded = state.dict
    changes: dict[str, dict[str, Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED:
            continue
        if created:
            # A new row: its values as flushed, read straight from the object (a bulk import
            # creates thousands of rows per flush; their attribute history is not needed).
            after = loaded[attr.key] if attr.key in loaded else getattr(obj, attr.key)
            if after is None:
                continue
            before = None
        else:
            history = state.get_history(attr.key, PASSIVE_NO_INITIALIZE)
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
        if attr.key in SECRET:
            changes[attr.key] = {"before": None, "after": "(changed)"}
        else:
            changes[attr.key] = {"before": jsonable(before), "after": jsonable(after)}
    for name in COLLECTIONS:
        if name not in state.mapper.relationships:
            continue
        history = state.get_history(name, PASSIVE_NO_INITIALIZE)
        if not history.has_changes():
            continue
        unchanged = [jsonable(item) for item in history.unchanged or ()]
        before = unchanged + [jsonable(item) for item in history.deleted or ()]
        after = unchanged + [jsonable(item) for item in history.added or ()]
        if sorted(map(str, before)) != sorted(map(str, after)):
            changes[name] = {"before": sorted(before), "after": sorted(after)}
    return changes


def claim_snapshot(report) -> list[dict[str, Any]]:
    """A violence report's claims as JSON-safe dicts, in order: what its audit events carry
    (every source of each claim; events before this kept only the first, as one URL)."""
    return [
        {
            "actor": claim.actor,
            "stance": claim.stance,
            "stated_on": jsonable(claim.stated_on),
            "notes": claim.notes or "",
            "source_url": [source.url for source in claim.sources],
        }
        for claim in report.claims
    ]


def _action_for(obj, changes: dict, default: str) -> str:
    status = changes.get("status")
    if default == "update" and status:
        # Leaving the archive is a restore, whichever status the record returns to.
        if status["before"] == "archived":
            return "restore"
        if status["after"] == "published":
            return "publish"
        if status["after"] == "archived":
            return "archive"
    return default


def _label(obj) -> str:
    for attr in ("slug", "title", "name", "email", "url", "event_id_cnty", "actor"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    if isinstance(obj, ReleaseRecord):
        return f"{obj.kind} {obj.count} on {obj.date}"
    return ""


def _after_flush(session: Session, flush_context) -> None:
    rows = []
    user_id, email = _current_user()
    actor = email or session.info.get("audit_actor", "")
    override = session.info.get("audit_action")
    extra = session.info.get("audit_extra", {})
    batch = (session.info.get("revise_public") or {}).get("batch")
    now = utcnow()
    for default, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            changes = _column_changes(obj, created=default == "create")
            # Changes the caller computed (a report's claims) join the record's own event.
            changes.update(extra.pop(id(obj), {}))
            if default == "update" and not changes:
                continue
            action = _action_for(obj, changes, default)
            if override and action in ("create", "update"):
                action = override
            if batch and action == "import":
                # Which import a record came from: the review queue groups by it.
                changes["batch"] = {"before": None, "after": batch}
            rows.append(
                {
                    "occurred_at": now,
                    "user_id": user_id,
                    "actor": actor,
                    "action": action,
                    "entity_type": ENTITY_NAMES[type(obj)],
                    # The primary key, also for rows inserted by this flush (their identity
                    # key is only set after the flush).
                    "entity_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                    "summary": _label(obj)[:500],
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def init_app(app) -> None:
    """Attach the audit listener to every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
