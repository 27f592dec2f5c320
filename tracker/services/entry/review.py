"""The review workflow of DOMAIN.md: under review -> published by a second person; archive
and restore instead of deletion; the admin switch that lets authors publish their own records.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import AuditEvent, Setting
from tracker.services.entry.audit import ENTITY_NAMES

REVIEW_SETTING = "review_required"


class ReviewError(Exception):
    """A review action that cannot be done; the message says why."""


def review_required() -> bool:
    """Whether publishing needs a second person (on unless an admin turned it off)."""
    setting = db.session.get(Setting, REVIEW_SETTING)
    return setting is None or setting.value != "0"


def set_review_required(required: bool) -> None:
    """Turn the second-person rule on or off (admins only; checked by the view)."""
    setting = db.session.get(Setting, REVIEW_SETTING)
    if setting is None:
        setting = Setting(key=REVIEW_SETTING, value="1")
        db.session.add(setting)
    setting.value = "1" if required else "0"
    db.session.commit()


def unreviewed_authors(record: Any) -> set[int]:
    """Users who changed the record since it was last published (its author, when never)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == ENTITY_NAMES[type(record)],
            AuditEvent.entity_id == record.id,
        )
        .order_by(AuditEvent.id)
    )
    authors: set[int] = {record.created_by_id} if record.created_by_id else set()
    for event in events:
        if event.action == "publish":
            authors = set()
        elif event.action in ("create", "update", "revert") and event.user_id:
            authors.add(event.user_id)
    return authors


def may_publish(user: Any, record: Any) -> bool:
    """Nobody publishes their own changes while review is required; anyone else may."""
    if not review_required():
        return True
    return user.id not in unreviewed_authors(record)


def _change_status(record: Any, status: str, version: int | None) -> None:
    """Set the review status under the version check; a stale version raises ReviewError."""
    if version is not None:
        set_committed_value(record, "version", version)
    record.status = status
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ReviewError(
            "Someone changed this record since you opened it. Check it again first."
        ) from None


def publish(record: Any, user: Any, version: int | None = None) -> None:
    """Publish a record under review, when ``user`` may."""
    if record.status != "under_review":
        raise ReviewError("Only records under review can be published.")
    if not may_publish(user, record):
        raise ReviewError(
            "You entered or changed this record, so someone else must review and publish it."
        )
    _change_status(record, "published", version)


def archive(record: Any, version: int | None = None) -> None:
    """Take a record out of use without deleting it; it can be restored."""
    if record.status == "archived":
        raise ReviewError("This record is already archived.")
    _change_status(record, "archived", version)


def status_before_archive(record: Any) -> str:
    """The status a record had when it was last archived (from the audit trail)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.entity_type == ENTITY_NAMES[type(record)],
            AuditEvent.entity_id == record.id,
            AuditEvent.action == "archive",
        )
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        before = (event.changes.get("status") or {}).get("before")
        if before in ("under_review", "published"):
            return before
    return "under_review"


def restore(record: Any, version: int | None = None) -> None:
    """Bring an archived record back to the status it had before."""
    if record.status != "archived":
        raise ReviewError("Only archived records can be restored.")
    _change_status(record, status_before_archive(record), version)


def review_queue(models: list[type], user: Any) -> dict[str, list]:
    """Records under review: ``others`` (for this user to review) and ``own`` (awaiting others)."""
    queue: dict[str, list] = {"others": [], "own": []}
    for model in models:
        for record in db.session.scalars(
            select(model).where(model.status == "under_review").order_by(model.updated_at)
        ):
            mine = user.id in unreviewed_authors(record)
            queue["own" if mine else "others"].append(record)
    for items in queue.values():
        items.sort(key=lambda record: record.updated_at)
    return queue
