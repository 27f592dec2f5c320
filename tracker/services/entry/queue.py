"""The review queue, built for real work: what waits (drafts and pending revisions), who wrote
it, how long it has waited, what it changes against the published version, its sources and
the warnings its author confirmed; grouped by the import it came from, with bulk publishing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, not_, or_, select, union_all
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.models import AuditEvent, Revision, User
from tracker.models.base import utcnow
from tracker.services.entry import review, revisions, trail
from tracker.services.entry.audit import ENTITY_NAMES
from tracker.services.entry.history import FieldChange, label, show

ONE_BY_ONE = ""  # the batch of records entered through the forms
PUBLISH_SLICE = 200  # drafts read at a time by Publish all (each commit expires them)
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


@dataclass
class Batch:
    """Items that came from one import (or were entered one by one): how many wait, and the
    ones shown on this page."""

    label: str
    count: int
    items: list[QueueItem]


def _mine(kind: Any, user_id: int):
    """SQL: ``user_id`` wrote this draft (its creator, or an author event since its last
    publication), so someone else must publish it."""
    model, entity = kind.model, kind.entity
    published = aliased(AuditEvent)
    last_publish = (
        select(func.max(published.id))
        .where(
            published.entity_type == entity,
            published.entity_id == model.id,
            published.action == "publish",
        )
        .correlate(model)
        .scalar_subquery()
    )
    wrote = (
        select(AuditEvent.id)
        .where(
            AuditEvent.entity_type == entity,
            AuditEvent.entity_id == model.id,
            AuditEvent.user_id == user_id,
            AuditEvent.action.in_(review.AUTHOR_ACTIONS),
            AuditEvent.id > func.coalesce(last_publish, 0),
        )
        .exists()
    )
    # IS NOT DISTINCT FROM, never NULL: a draft imported from the command line has no creator,
    # and NOT (NULL = id OR false) would be NULL, hiding it from every reviewer.
    return or_(model.created_by_id.is_not_distinct_from(user_id), wrote)


def _drafts(kind: Any, user_id: int, mine: bool):
    """SQL: the kind's drafts waiting for ``user_id`` (or, ``mine``, waiting for others)."""
    model = kind.model
    written = _mine(kind, user_id)
    return model.status == "under_review", written if mine else not_(written)


@dataclass
class _Waiting:
    """A lightweight row of what waits: enough to count, order and page."""

    kind: Any
    record_id: int
    since: datetime
    batch: str
    revision: Revision | None = None


def _revisions(kinds: list[Any], user_id: int, mine: bool) -> list[_Waiting]:
    """Pending revisions (changes to published records) of others, or ``mine``."""
    by_entity = {kind.entity: kind for kind in kinds}
    rows = db.session.scalars(select(Revision).where(Revision.entity_type.in_(by_entity)))
    return [
        _Waiting(by_entity[r.entity_type], r.entity_id, r.updated_at, r.batch or ONE_BY_ONE, r)
        for r in rows
        if (user_id in set(r.author_ids)) == mine
    ]


def counts(kinds: list[Any], user: Any) -> tuple[int, int]:
    """(waiting for ``user``, ``user``'s own waiting for someone else): one count per kind."""
    result = []
    for mine in (False, True):
        total = len(_revisions(kinds, user.id, mine))
        for kind in kinds:
            total += db.session.scalar(
                select(func.count()).select_from(kind.model).where(*_drafts(kind, user.id, mine))
            )
        result.append(total)
    return result[0], result[1]


def _batch_counts(kinds: list[Any], user_id: int, mine: bool) -> dict[str, int]:
    """How many drafts and revisions wait per import label (ONE_BY_ONE: entered by hand)."""
    found: dict[str, int] = defaultdict(int)
    for kind in kinds:
        model = kind.model
        query = (
            select(model.import_batch, func.count())
            .where(*_drafts(kind, user_id, mine))
            .group_by(model.import_batch)
        )
        for name, count in db.session.execute(query):
            found[name or ONE_BY_ONE] += count
    for row in _revisions(kinds, user_id, mine):
        found[row.batch] += 1
    return found


def _page(kinds: list[Any], user_id: int, mine: bool, batch: str, offset: int, size: int):
    """The ``size`` items of ``batch`` from ``offset``, oldest first: drafts ordered and cut in
    SQL (one UNION over the kinds), pending revisions merged in."""
    parts = []
    for kind in kinds:
        model = kind.model
        of_batch = (
            model.import_batch.is_(None) if batch == ONE_BY_ONE else model.import_batch == batch
        )
        parts.append(
            select(
                literal(kind.name).label("kind"), model.id, model.updated_at.label("since")
            ).where(*_drafts(kind, user_id, mine), of_batch)
        )
    query = union_all(*parts).subquery()
    ordered = select(query).order_by(query.c.since, query.c.kind, query.c.id)
    by_name = {kind.name: kind for kind in kinds}
    revisions_of_batch = [r for r in _revisions(kinds, user_id, mine) if r.batch == batch]
    if not revisions_of_batch:  # the usual case: SQL cuts the page
        rows = db.session.execute(ordered.offset(offset).limit(size))
        return _items([_Waiting(by_name[name], i, since, batch) for name, i, since in rows])
    rows = [
        _Waiting(by_name[name], record_id, since, batch)
        for name, record_id, since in db.session.execute(ordered.limit(offset + size))
    ]
    rows.extend(revisions_of_batch)
    rows.sort(key=lambda row: (_aware(row.since), row.kind.name, row.record_id))
    return _items(rows[offset : offset + size])


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _items(rows: list[_Waiting]) -> list[QueueItem]:
    """Queue items for the rows shown: their records (one query per kind), authors, comments."""
    items: list[QueueItem] = []
    records: dict[tuple[str, int], Any] = {}
    for kind in {row.kind.name: row.kind for row in rows}.values():
        ids = [row.record_id for row in rows if row.kind.name == kind.name]
        for record in db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))):
            records[kind.name, record.id] = record
    for kind in {row.kind.name: row.kind for row in rows}.values():
        drafts = [r.record_id for r in rows if r.kind.name == kind.name and r.revision is None]
        authors, _, comments = _authors_of_drafts(kind.model, drafts)
        for row in rows:
            if row.kind.name != kind.name or (kind.name, row.record_id) not in records:
                continue
            record = records[kind.name, row.record_id]
            if row.revision is None:
                writers = authors[record.id] | (
                    {record.created_by_id} if record.created_by_id else set()
                )
                item = QueueItem(kind, record, None, writers, record.updated_at, row.batch)
                item.sent_back = comments.get(record.id, "")
            else:
                revision = row.revision
                item = QueueItem(
                    kind,
                    record,
                    revision,
                    set(revision.author_ids),
                    revision.updated_at,
                    row.batch,
                    warnings=list(revision.warnings),
                    sent_back=revision.comment,
                )
            items.append(item)
    order = {(row.kind.name, row.record_id): n for n, row in enumerate(rows)}
    items.sort(key=lambda item: order[item.kind.name, item.record.id])
    return items


def build(
    kinds: list[Any],
    user: Any,
    *,
    batch: str | None = None,
    mine: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    """The queue page for ``user``: ``batches`` of others' items (each its count and the items
    shown: a sample of an import, a page of the rest), ``own`` items, and the counts.

    ``batch`` shows one batch (ONE_BY_ONE: entered by hand) a page at a time; ``mine`` shows
    the user's own items a page at a time. ``pages`` is how many pages the paged list has.
    """
    others = _batch_counts(kinds, user.id, mine=False)
    own = _batch_counts(kinds, user.id, mine=True)
    offset = (page - 1) * per_page
    batches = []
    pages = 1
    if not mine:
        names = [batch] if batch is not None else sorted(others)
        for name in names:
            count = others.get(name, 0)
            if batch is not None:
                pages = max(1, -(-count // per_page))
                size, start = per_page, offset
            else:
                size, start = (SAMPLE if name else per_page), 0
            if count:
                items = _page(kinds, user.id, False, name, start, size)
                batches.append(Batch(name, count, items))
        batches.sort(key=lambda b: (b.label == ONE_BY_ONE, b.label))
    own_count = sum(own.values())
    if mine:
        pages = max(1, -(-own_count // per_page))
    own_items: list[QueueItem] = []
    for name in sorted(own, key=lambda b: (b == ONE_BY_ONE, b)) if (mine or page == 1) else []:
        own_items.extend(_page(kinds, user.id, True, name, 0, offset + per_page))
    own_items.sort(key=lambda item: (_aware(item.waiting_since), item.key))
    own_items = own_items[offset : offset + per_page] if mine else own_items[:per_page]
    return {
        "batches": batches,
        "own": own_items,
        "own_count": own_count,
        "count": sum(others.values()),
        "pages": pages,
        "page": page,
        "labels": sorted(others, key=lambda b: (b == ONE_BY_ONE, b)),
    }


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


def publish_batch(kinds: list[Any], user: Any, batch: str, seconds: float) -> tuple[int, int, int]:
    """Publish the items of an import batch this user may publish, through :func:`review.publish`
    (each row's audit event names its publisher, each record is committed on its own).

    Stops once ``seconds`` have passed, between two records, so that one request ends well
    inside the server's timeout; the reviewer presses Publish all again for the rest.
    Returns (published, refused, still waiting for this user)."""
    done = refused = 0
    stop_at = time.monotonic() + seconds
    while True:
        items = _page(kinds, user.id, False, batch, refused, PUBLISH_SLICE)
        if not items:
            break
        for item in items:
            try:
                review.publish(item.record, user)
                done += 1
            except review.ReviewError:
                refused += 1
            if time.monotonic() >= stop_at:
                left = _batch_counts(kinds, user.id, mine=False).get(batch, 0) - refused
                if left:
                    refused += _batch_counts(kinds, user.id, mine=True).get(batch, 0)
                    return done, refused, left
    refused += _batch_counts(kinds, user.id, mine=True).get(batch, 0)
    return done, refused, 0


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
