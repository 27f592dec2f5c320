"""Web uploads of CSV files: kept in the database between the preview and the confirmation.

App servers keep nothing between requests, so an upload waits in ``pending_imports`` (any
host can finish it). The preview runs the real import and rolls it back, so its counts and
rows are exactly what the confirmation will write.
"""

from __future__ import annotations

import io
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, PendingImport
from tracker.models.base import utcnow
from tracker.services.entry.audit import audit_context
from tracker.services.entry.guard import changes_become_revisions
from tracker.services.entry.review import PublicationRefusedError
from tracker.services.interchange.csv_import import (
    CsvImportError,
    CsvImportResult,
    RowError,
    import_releases_csv,
    import_violence_csv,
)
from tracker.services.interchange.import_log import record_import_event

KEEP_PENDING = timedelta(days=1)
# Longer than any run may take (gunicorn stops a worker after 30 s): a run marked as started
# longer ago than this never finished.
RUN_GRACE = timedelta(seconds=90)


class RunRefusedError(Exception):
    """An upload's preview or import is not run: another run is going on (``running``), or an
    earlier one never finished (``stopped``: it stopped its worker, and would again)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def claim_run(pending_id: int) -> None:
    """Mark the upload's run as started (committed first, so it outlives a killed worker).

    Raises :class:`RunRefusedError` when a run is marked already: still going, or never finished.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(PendingImport)
        .where(PendingImport.id == pending_id, PendingImport.preview_started_at.is_(None))
        .values(preview_started_at=now)
    ).rowcount
    started = None
    if not claimed:
        started = db.session.scalar(
            select(PendingImport.preview_started_at).where(PendingImport.id == pending_id)
        )
    db.session.commit()
    if claimed:
        return
    if started is not None:
        started = started if started.tzinfo else started.replace(tzinfo=now.tzinfo)
        if now - started < RUN_GRACE:
            raise RunRefusedError("running")
    raise RunRefusedError("stopped")


def release_run(pending_id: int) -> None:
    """The run finished (with or without errors): the upload may be previewed again."""
    db.session.execute(
        update(PendingImport).where(PendingImport.id == pending_id).values(preview_started_at=None)
    )
    db.session.commit()


def import_targets() -> dict[str, list[tuple[str, str]]]:
    """Choices for the upload form, grouped: each process's violence, each release commitment."""
    processes = db.session.scalars(select(PeaceProcess).order_by(PeaceProcess.name)).all()
    groups = {
        "Violence reports (ACLED columns)": [
            (f"violence:{p.id}", f"Violence reports of {p.name}") for p in processes
        ]
    }
    releases = []
    for process in processes:
        for agreement in process.agreements:
            for commitment in agreement.commitments:
                if commitment.kind == "prisoner_release":
                    label = f"{process.name}: {commitment.description or commitment.key}"
                    releases.append((f"releases:{commitment.id}", label[:150]))
    groups["Release records of a commitment"] = releases
    return groups


def resolve_target(kind: str, target_id: int) -> tuple[object | None, str]:
    """The process or commitment an import goes into, and a label naming it."""
    if kind == "violence":
        process = db.session.get(PeaceProcess, target_id)
        return process, (f"violence reports of {process.name}" if process else "")
    commitment = db.session.get(Commitment, target_id)
    if commitment is None or commitment.kind != "prisoner_release":
        return None, ""
    return commitment, f"release records of commitment {commitment.id} ({commitment.key})"


def store_upload(
    user_id: int, kind: str, target_id: int, status: str, filename: str, content: bytes
) -> PendingImport:
    """Keep an upload for its preview; forget day-old uploads nobody confirmed."""
    db.session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - KEEP_PENDING)
    )
    pending = PendingImport(
        token=secrets.token_urlsafe(32),
        user_id=user_id,
        kind=kind,
        target_id=target_id,
        status=status,
        filename=filename[:255],
        size=len(content),
        content=content,
    )
    db.session.add(pending)
    db.session.commit()
    return pending


def find_pending(token: str, user_id: int) -> PendingImport | None:
    """An upload of this user's, by its token."""
    return db.session.scalar(
        select(PendingImport).where(PendingImport.token == token, PendingImport.user_id == user_id)
    )


def run_pending(
    pending: PendingImport,
    actor: str,
    user_id: int,
    dry_run: bool,
    accept_outside: bool = False,
):
    """Import the upload; a dry run rolls back. Returns (result, target label).

    Raises :class:`CsvImportError` (after rolling back) when any row is bad, and its
    ``OutsideRowsError`` when rows lie outside the process unless ``accept_outside``;
    :class:`RunRefusedError` when the upload is being run, or its last run never finished.
    """
    kind, status, filename = pending.kind, pending.status, pending.filename
    pending_id, content = pending.id, pending.content
    target, label = resolve_target(kind, pending.target_id)
    if target is None:
        raise LookupError("the process or commitment of this upload no longer exists")
    if kind == "violence":
        importer, options = import_violence_csv, {"accept_outside": accept_outside}
    else:
        importer, options = import_releases_csv, {}
    claim_run(pending_id)
    try:
        with (
            audit_context(db.session, action="import", actor=actor),
            changes_become_revisions(db.session, user_id, f"{filename} into {label}"),
        ):
            result: CsvImportResult = importer(
                io.BytesIO(content), target, status, user_id, **options
            )
            if not dry_run:
                record_import_event(kind, label, filename, result, actor, user_id, status)
                db.session.execute(delete(PendingImport).where(PendingImport.id == pending_id))
    except PublicationRefusedError as error:
        db.session.rollback()
        release_run(pending_id)  # refused as a whole: the upload may be previewed again
        raise CsvImportError([RowError(1, "status", str(error))]) from None
    except Exception:
        db.session.rollback()
        release_run(pending_id)
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    release_run(pending_id)  # after an import the row is gone, and this changes nothing
    return result, label


def discard_pending(pending: PendingImport) -> None:
    """Forget an upload the researcher cancelled."""
    db.session.delete(pending)
    db.session.commit()
