"""The review workflow and the two-person rule, in one place.

A record's row is its published version; a change to a published or archived record waits as
its pending revision (:mod:`tracker.services.entry.revisions`), a record never published is a
draft (``under_review``). :func:`publish` is the only way a version becomes public: it refuses
anyone who wrote part of what it publishes, unless an admin turned review off. A flush guard
(:mod:`tracker.services.entry.guard`) refuses every other write that would change what the public
sees, whichever path it comes from (forms, history, imports, bundles, the command line).
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import AuditEvent, Setting, User
from tracker.models.base import utcnow
from tracker.services.entry import revisions, trail
from tracker.services.entry.audit import audit_context, claim_snapshot

REVIEW_SETTING = "review_required"
AUTHOR_ACTIONS = ("create", "update", "revert", "import", "revise")


class ReviewError(Exception):
    """A review action that cannot be done; the message says why."""


class PublicationRefusedError(ReviewError):
    """A write that would change a public version without going through :func:`publish`."""


def review_required() -> bool:
    """Whether publishing needs a second person (on unless an admin turned it off)."""
    setting = db.session.get(Setting, REVIEW_SETTING)
    return setting is None or setting.value != "0"


def set_review_required(required: bool, actor: str = "") -> None:
    """Turn the second-person rule on or off (admins only; checked by the view); audited."""
    before = review_required()
    setting = db.session.get(Setting, REVIEW_SETTING)
    if setting is None:
        setting = Setting(key=REVIEW_SETTING, value="1")
        db.session.add(setting)
    setting.value = "1" if required else "0"
    if before != required:
        from tracker.services.entry.audit import _current_user

        user_id, email = _current_user()
        db.session.add(
            AuditEvent(
                occurred_at=utcnow(),
                user_id=user_id,
                actor=email or actor,
                action="update",
                entity_type="setting",
                summary=f"Review {'required' if required else 'turned off'}",
                changes={REVIEW_SETTING: {"before": before, "after": required}},
            )
        )
    db.session.commit()


def record_kind(record: Any):
    """The record kind (registry entry) a record belongs to."""
    from tracker.services.entry.registry import KINDS

    return next(kind for kind in KINDS.values() if isinstance(record, kind.model))


def unreviewed_authors(record: Any) -> set[int]:
    """Users who wrote a draft since it was last published (its author, when never)."""
    events = trail.record_events(type(record), record.id)
    authors: set[int] = {record.created_by_id} if record.created_by_id else set()
    for audit_event in events:
        if audit_event.action == "publish":
            authors = set()
        elif audit_event.action in AUTHOR_ACTIONS and audit_event.user_id:
            authors.add(audit_event.user_id)
    return authors


def authors(record: Any, revision: Any = None) -> set[int]:
    """Who wrote what is waiting to be published: the revision's authors, or the draft's."""
    if revision is None:
        revision = revisions.pending(record_kind(record), record.id)
    if revision is not None:
        return set(revision.author_ids)
    if record.status == "under_review":
        return unreviewed_authors(record)
    return set()


def has_pending(record: Any) -> bool:
    """Whether something of the record waits to be published (a draft or a revision)."""
    if record.status == "under_review":
        return True
    return revisions.pending(record_kind(record), record.id) is not None


def may_publish(user: Any, record: Any) -> bool:
    """Nobody publishes their own changes while review is required; anyone else may."""
    if not review_required():
        return True
    return user.id not in authors(record)


@contextlib.contextmanager
def publishing(session: Session):
    """Writes inside may change public versions: only :func:`publish` and friends open it."""
    saved = session.info.get("publishing")
    session.info["publishing"] = True
    try:
        yield
    finally:
        if saved is None:
            session.info.pop("publishing", None)
        else:
            session.info["publishing"] = saved


def _commit(record: Any, version: int | None) -> None:
    try:
        db.session.flush()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ReviewError(
            "Someone changed this record since you opened it. Check it again first."
        ) from None


def _names(user_ids: set[int]) -> list[str]:
    if not user_ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(user_ids)))
    return sorted(user.email for user in users)


def publish(record: Any, user: Any, version: int | None = None) -> None:
    """Publish a draft or a pending revision, when ``user`` wrote none of it (or review is off).

    The revision's values replace the published ones in one transaction; the audit event
    names the publisher (its user) and the authors.
    """
    kind = record_kind(record)
    revision = revisions.pending(kind, record.id) if kind.reviewed else None
    if revision is None and record.status != "under_review":
        raise ReviewError("Nothing of this record waits to be published.")
    required = review_required()
    writers = authors(record, revision)
    if required and user.id in writers:
        raise ReviewError(
            "You entered or changed this record, so someone else must review and publish it."
        )
    if version is not None:
        set_committed_value(record, "version", version)
    extra = {"authors": {"before": None, "after": _names(writers)}}
    if not required:
        extra["review"] = {"before": None, "after": "off: published without a second person"}
    with publishing(db.session), audit_context(db.session, action="publish"):
        if revision is not None:
            before_claims = claim_snapshot(record) if kind.claims else []
            from tracker.services.entry.save import apply

            with db.session.no_autoflush:
                apply(kind, record, revisions.from_json(kind, revision.values))
            if kind.claims and claim_snapshot(record) != before_claims:
                extra["claims"] = {"before": before_claims, "after": claim_snapshot(record)}
            record.status = revision.status
            db.session.delete(revision)
        else:
            record.status = "published"
        record.updated_at = utcnow()
        db.session.info.setdefault("audit_extra", {})[id(record)] = extra
        try:
            _commit(record, version)
        finally:
            db.session.info.pop("audit_extra", None)


def status_before_archive(record: Any) -> str:
    """The status a record had when it was last archived (from the audit trail)."""
    events = reversed(trail.record_events(type(record), record.id, action="archive"))
    for audit_event in events:
        before = (audit_event.changes.get("status") or {}).get("before")
        if before in ("under_review", "published"):
            return before
    return "under_review"


def _change_status(record: Any, user: Any, status: str, version: int | None) -> str:
    """Move a record to ``status``: directly when nothing public changes or review is off,
    else as a pending revision. Returns "done" or "proposed"."""
    kind = record_kind(record)
    if version is not None:
        set_committed_value(record, "version", version)
    public = "published" in (record.status, status)
    if public and review_required():
        values = revisions.proposed_values(kind, record)
        revisions.propose(kind, record, values, getattr(user, "id", None), status=status)
        _commit(record, version)
        return "proposed"
    with publishing(db.session):
        if public:
            db.session.info.setdefault("audit_extra", {})[id(record)] = {
                "review": {"before": None, "after": "off: changed without a second person"}
            }
        record.status = status
        try:
            _commit(record, version)
        finally:
            db.session.info.pop("audit_extra", None)
    return "done"


def effective_status(record: Any) -> str:
    """The status the record has once what waits is published: the revision's, else its own."""
    revision = revisions.pending(record_kind(record), record.id)
    return revision.status if revision is not None else record.status


def archive(record: Any, user: Any = None, version: int | None = None) -> str:
    """Take a record out of use without deleting it; a published one only once reviewed."""
    if effective_status(record) == "archived":
        raise ReviewError("This record is already archived.")
    return _change_status(record, user, "archived", version)


def restore(record: Any, user: Any = None, version: int | None = None) -> str:
    """Bring an archived record back to the status it had; back to public only once reviewed."""
    if effective_status(record) != "archived":
        raise ReviewError("Only archived records can be restored.")
    # Restoring a record whose archiving still waits for review just withdraws the archiving.
    target = status_before_archive(record) if record.status == "archived" else record.status
    return _change_status(record, user, target, version)
