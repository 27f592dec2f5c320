"""The flush guard of the two-person rule: no write changes a public version outside publish().

Whatever path a write takes (forms, history, imports, bundles, the command line), a flush that
would change what the public sees is refused, or, inside :func:`changes_become_revisions`
(imports), turned into pending revisions. :func:`tracker.services.entry.review.publish` opens
the only way through.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tracker.models import Claim
from tracker.models.base import ReviewedMixin
from tracker.services.entry import revisions
from tracker.services.entry.audit import ENTITY_NAMES, IGNORED
from tracker.services.entry.review import PublicationRefusedError, record_kind, review_required


def _acting(session: Session) -> bool:
    """Whether someone acts through the app (a logged-in request, the command line).

    Direct database work without an actor (test factories, migrations) is not guarded.
    """
    if session.info.get("audit_actor"):
        return True
    if has_request_context():
        from flask_login import current_user

        return bool(current_user and current_user.is_authenticated)
    return False


def _status_change(obj: Any) -> tuple[str, str]:
    history = inspect(obj).attrs.status.history
    before = history.deleted[0] if history.deleted else obj.status
    return before, obj.status


def _content_changed(obj: Any) -> bool:
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in IGNORED or attr.key == "status":
            continue
        history = state.attrs[attr.key].history
        if history.added and list(history.added) != list(history.deleted):
            return True
    for name in ("sources", "signatories", "claims"):
        if name in state.mapper.relationships:
            history = state.attrs[name].history
            if history.added or history.deleted:
                return True
    return False


def _of_public_report(session: Session, claim: Any) -> bool:
    report = claim.report
    return report is not None and report.status == "published" and report not in session.new


def _changes_public_version(session: Session) -> list[Any]:
    seeding = session.info.get("seed_new_published")
    suspects = []
    for obj in session.new:
        if isinstance(obj, ReviewedMixin) and obj.status == "published":
            if not seeding:
                suspects.append(obj)
        elif isinstance(obj, Claim) and _of_public_report(session, obj):
            suspects.append(obj)
    for obj in session.dirty:
        if isinstance(obj, ReviewedMixin):
            before, after = _status_change(obj)
            moves = "published" in (before, after) and before != after
            if moves or (before == "published" and _content_changed(obj)):
                suspects.append(obj)
        elif isinstance(obj, Claim) and session.is_modified(obj):
            report = obj.report
            if report is not None and report.status == "published" and _content_changed(obj):
                suspects.append(obj)
    for obj in session.deleted:
        if isinstance(obj, Claim) and obj.report is not None and obj.report.status == "published":
            suspects.append(obj)
    return suspects


@contextlib.contextmanager
def seeding_new_records(session: Session):
    """Inside, new records may arrive published (the demo data set); changes to existing
    public records still need a second person."""
    session.info["seed_new_published"] = True
    try:
        yield
    finally:
        session.info.pop("seed_new_published", None)


def refuse_new_published(session: Session, status: str, count: int) -> None:
    """This guard's rule for ``count`` new records written with Core statements (which no
    flush sees): refused when they would arrive published while review is required, unless
    publishing or seeding the demo data, exactly as :func:`_guard_publications` would."""
    if status != "published" or not count or session.info.get("publishing"):
        return
    if session.info.get("seed_new_published") or not _acting(session):
        return
    if review_required():
        _refuse(["violence_report (new)"] * min(count, 5))


def _refuse(names: list[str]) -> None:
    raise PublicationRefusedError(
        f"Publishing needs a second person ({', '.join(names)}): nothing was written. Import the "
        "records as under review and have someone else publish them, or have an admin turn "
        "review off."
    )


def _is_public_edit(session: Session, obj: Any) -> bool:
    """A published or archived record whose own values (not its status) changed."""
    if not isinstance(obj, ReviewedMixin) or obj in session.new:
        return False
    before, after = _status_change(obj)
    # An import "as under review" of a published record asks for review, not for a draft.
    kept = after in (before, "under_review")
    return before in revisions.REVIEWED_LIFE and kept and _content_changed(obj)


@contextlib.contextmanager
def changes_become_revisions(session: Session, user_id: int | None, batch: str = ""):
    """Inside, changes to published or archived records become pending revisions (imports).

    While review is required, an import that changes a published record does not write it:
    just before the flush, the record's new values go into its pending revision and the
    record is reloaded as published.
    """
    saved = session.info.get("revise_public")
    session.info["revise_public"] = {"user_id": user_id, "batch": batch}
    try:
        yield
    finally:
        if saved is None:
            session.info.pop("revise_public", None)
        else:
            session.info["revise_public"] = saved


def _changed_fields(kind: Any, record: Any) -> set[str]:
    """The names, as a revision keeps them, of the fields a write changed in memory."""
    state = inspect(record)
    kept = {*kind.parsers, *revisions.extra_columns(kind)}
    names = {
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key in kept
        and state.attrs[attr.key].history.added
        and list(state.attrs[attr.key].history.added) != list(state.attrs[attr.key].history.deleted)
    }
    for name in ("sources", "claims", *kind.relations):
        if name in state.mapper.relationships:
            history = state.attrs[name].history
            if history.added or history.deleted:
                names.add(name)
    return names


def _divert(session: Session, record: Any, user_id: int | None, batch: str) -> None:
    """Move a public record's unflushed changes into its pending revision: on top of the
    revision already waiting, if any, so a researcher's proposed edit is not lost."""
    kind = record_kind(record)
    values = revisions.snapshot(kind, record)
    waiting = revisions.pending(kind, record.id)
    if waiting is not None:
        values = {
            **waiting.values,
            **{name: values[name] for name in _changed_fields(kind, record)},
        }
    claims: list = []
    if kind.claims:
        history = inspect(record).attrs.claims.history
        claims = [*history.added, *history.unchanged, *history.deleted]
    session.expire(record)
    for claim in claims:
        if claim in session.new:
            session.expunge(claim)
        elif inspect(claim).persistent:
            session.expire(claim)
    revisions.propose(kind, record, values, user_id, batch=batch)


def _keep_unchanged_public(session: Session) -> None:
    """An import "as under review" of a published record it does not change leaves it
    published: there is nothing to review, and the public version is what it was."""
    for obj in list(session.dirty):
        if not isinstance(obj, ReviewedMixin) or obj in session.new:
            continue
        before, after = _status_change(obj)
        if (before, after) == ("published", "under_review") and not _content_changed(obj):
            session.expire(obj, ["status"])


def _guard_publications(session: Session, flush_context, instances) -> None:
    if session.info.get("publishing") or not _acting(session):
        return
    _keep_unchanged_public(session)
    suspects = _changes_public_version(session)
    if not suspects or not review_required():
        return
    diverting = session.info.get("revise_public")
    if diverting is not None:
        public_edits = [obj for obj in session.dirty if _is_public_edit(session, obj)]
        for claim in suspects:
            report = getattr(claim, "report", None)
            if isinstance(claim, Claim) and report is not None and report not in public_edits:
                public_edits.append(report)
        for record in public_edits:
            _divert(session, record, diverting["user_id"], diverting["batch"])
        suspects = _changes_public_version(session)
        if not suspects:
            return
    _refuse([f"{ENTITY_NAMES[type(obj)]} {obj.id or '(new)'}" for obj in suspects[:5]])


def init_app(app) -> None:
    """Attach the publication guard to every session (once per process)."""
    if not event.contains(Session, "before_flush", _guard_publications):
        event.listen(Session, "before_flush", _guard_publications)
