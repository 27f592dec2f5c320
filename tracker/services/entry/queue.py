"""The review queue, built for real work: what waits (drafts and pending revisions), who wrote
it, how long it has waited, what it changes against the published version, its sources and
the warnings its author confirmed; grouped by the import it came from, with bulk publishing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import AuditEvent, Revision, User
from tracker.models.base import utcnow
from tracker.services.entry import review, revisions, trail
from tracker.services.entry.audit import ENTITY_NAMES
from tracker.services.entry.history import FieldChange, label, show

ONE_BY_ONE = ""  # the batch of records entered through the forms
SAMPLE = 5  # items shown of an import batch: a reviewer opens a sample, then publishes all


@dataclass
class QueueItem:
    """One record waiting for review, with what a reviewer needs to judge it."""

    kind: Any
    record: Any
    revision: Revision | None
    authors: set[int]
    waiting_since: datetime
    batch: str = ONE_BY_ONE
    changes: list[FieldChange] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sent_back: str = ""

    @property
    def key(self) -> str:
        """An id for the page: "release-12"."""
        return f"{self.kind.name}-{self.record.id}"


@dataclass
class Batch:
    """Items that came from one import (or were entered one by one)."""

    label: str
    items: list[QueueItem]


def _authors_of_drafts(model: type, ids: list[int]) -> tuple[dict, dict, dict]:
    """For many drafts at once: their authors, import batch and latest send-back comment."""
    authors: dict[int, set[int]] = defaultdict(set)
    batches: dict[int, str] = {}
    comments: dict[int, str] = {}
    if not ids:
        return authors, batches, comments
    events = trail.authorship_events(ENTITY_NAMES[model], ids)
    for entity_id, action, user_id, changes in events:
        if action == "publish":
            authors[entity_id] = set()
        elif action in review.AUTHOR_ACTIONS:
            if user_id:
                authors[entity_id].add(user_id)
            comments.pop(entity_id, None)  # written again since it was sent back
        elif action == "send_back":
            comments[entity_id] = (changes or {}).get("comment", {}).get("after") or ""
        batch = (changes or {}).get("batch")
        if action == "import" and batch:
            batches[entity_id] = batch.get("after") or ONE_BY_ONE
    return authors, batches, comments


def _changes(kind: Any, record: Any, revision: Revision | None) -> list[FieldChange]:
    """What publishing would change, field by field, as the history shows it."""
    published = revisions.snapshot(kind, record)
    if revision is None:  # a draft: everything it says is new
        rows = revisions.comparable(kind, published)
        return [
            FieldChange(label(name), "–", show(value))
            for name, value in rows.items()
            if value not in (None, "", [], False)
            and name not in ("commitment_id", "process_id", "sources")
        ]
    changes = revisions.diff(kind, published, revision.values)
    rows = [FieldChange(label(n), show(c["before"]), show(c["after"])) for n, c in changes.items()]
    if revision.status != record.status:
        rows.insert(0, FieldChange("status", record.status, revision.status))
    return rows


def build(kinds: list[Any], user: Any) -> dict[str, Any]:
    """The queue for ``user``: ``batches`` of others' items to review, and ``own`` items."""
    others: list[QueueItem] = []
    own: list[QueueItem] = []
    for kind in kinds:
        model = kind.model
        drafts = list(db.session.scalars(select(model).where(model.status == "under_review")))
        authors, batches, comments = _authors_of_drafts(model, [d.id for d in drafts])
        items = [
            QueueItem(
                kind,
                draft,
                None,
                authors[draft.id] | ({draft.created_by_id} if draft.created_by_id else set()),
                draft.updated_at,
                batches.get(draft.id, ONE_BY_ONE),
                sent_back=comments.get(draft.id, ""),
            )
            for draft in drafts
        ]
        pending = {
            revision.entity_id: revision
            for revision in db.session.scalars(
                select(Revision).where(Revision.entity_type == kind.entity)
            )
        }
        if pending:
            for record in db.session.scalars(select(model).where(model.id.in_(pending))):
                revision = pending[record.id]
                items.append(
                    QueueItem(
                        kind,
                        record,
                        revision,
                        set(revision.author_ids),
                        revision.updated_at,
                        revision.batch or ONE_BY_ONE,
                        warnings=list(revision.warnings),
                        sent_back=revision.comment,
                    )
                )
        for item in items:
            (own if user.id in item.authors else others).append(item)
    for items in (others, own):
        items.sort(key=lambda item: (item.waiting_since, item.key))
    grouped: dict[str, list[QueueItem]] = defaultdict(list)
    for item in others:
        grouped[item.batch].append(item)
    batches = [Batch(name, items) for name, items in grouped.items()]
    batches.sort(key=lambda batch: (batch.label == ONE_BY_ONE, batch.label))
    return {"batches": batches, "own": own, "count": len(others)}


def fill_details(items: list[QueueItem]) -> None:
    """Diffs and sources for the items shown on the page (not for every item of a batch)."""
    for item in items:
        item.changes = _changes(item.kind, item.record, item.revision)
        values = (
            item.revision.values
            if item.revision is not None
            else revisions.snapshot(item.kind, item.record)
        )
        item.sources = [row["url"] for row in values.get("sources", [])]


def author_names(items: list[QueueItem]) -> dict[int, str]:
    """Display names of everyone who wrote a shown item (one query)."""
    ids = set().union(*(item.authors for item in items)) if items else set()
    if not ids:
        return {}
    return {user.id: user.name for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def age(since: datetime) -> str:
    """ "3 days", "5 hours", "12 minutes": how long an item has waited."""
    if since.tzinfo is None:
        from datetime import UTC

        since = since.replace(tzinfo=UTC)
    seconds = max(0, int((utcnow() - since).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "under a minute"


def publish_batch(kinds: list[Any], user: Any, batch: str) -> tuple[int, int]:
    """Publish every item of an import batch this user may publish, through :func:`review.publish`
    (each row's audit event names its publisher). Returns (published, refused)."""
    queue = build(kinds, user)
    items = next((b.items for b in queue["batches"] if b.label == batch), [])
    done = refused = 0
    for item in items:
        try:
            review.publish(item.record, user)
            done += 1
        except review.ReviewError:
            refused += 1
    refused += sum(1 for item in queue["own"] if item.batch == batch)
    return done, refused


def send_back(kind: Any, record: Any, user: Any, comment: str) -> None:
    """Return an item to its authors with a comment they see on the record's page."""
    revision = revisions.pending(kind, record.id)
    if revision is not None:
        revision.comment = comment
    db.session.add(
        AuditEvent(
            occurred_at=utcnow(),
            user_id=user.id,
            actor=user.email,
            action="send_back",
            entity_type=kind.entity,
            entity_id=record.id,
            summary=comment[:500],
            changes={"comment": {"before": None, "after": comment}},
        )
    )
    db.session.commit()


def latest_comment(kind: Any, record: Any) -> str:
    """The reviewer's comment, when the record was sent back and not changed since."""
    _, _, comments = _authors_of_drafts(kind.model, [record.id])
    return comments.get(record.id, "")
