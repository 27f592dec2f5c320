"""The jobs of a web upload: the check (the import run and rolled back) and the import itself.

Each runs in the queue's consumer (:mod:`tracker.jobs`), never inside a request, through the same
importers as the command line. A job marks its upload ``running`` before it starts, records how
many bytes it has read in the queue's storage as it goes (on SQLite the import holds the
database's write lock, so no other connection could write progress into the upload's row), and
writes what it found into the row when it ends: the counts and first rows, or the errors. A job
not heard from for ``IMPORT_JOB_GRACE`` died with its worker; its upload may be checked again.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import update

from tracker import jobs
from tracker.extensions import db
from tracker.models import PendingImport, User
from tracker.models.base import utcnow
from tracker.services.entry.audit import audit_context
from tracker.services.entry.guard import changes_become_revisions
from tracker.services.entry.review import PublicationRefusedError
from tracker.services.interchange.csv_import import (
    CsvImportError,
    CsvImportResult,
    OutsideRowsError,
    RowError,
    import_releases_csv,
    import_violence_csv,
)
from tracker.services.interchange.import_log import record_import_event
from tracker.services.interchange.uploads import resolve_target

logger = logging.getLogger(__name__)
# At most one progress write a second: enough for a page that asks every second or two.
PROGRESS_EVERY = 1.0


def progress_key(pending_id: int) -> str:
    """Where the queue's storage keeps an upload's progress."""
    return f"upload-progress:{pending_id}"


def _plain(value):
    """A preview cell as JSON can hold it: dates as ISO text, decimals as text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _counts(result: CsvImportResult) -> dict:
    counts = result.counts
    return {"added": counts.added, "updated": counts.updated, "unchanged": counts.unchanged}


def result_outcome(result: CsvImportResult, imported: bool) -> dict:
    """What a check or an import found, for the upload's row."""
    return {
        "ok": True,
        "imported": imported,
        "rows": result.rows,
        "counts": _counts(result),
        "preview": [{key: _plain(value) for key, value in row.items()} for row in result.preview],
        "notes": list(result.notes),
        "outside": [[e.line, e.column, e.message] for e in result.outside],
    }


def error_outcome(error: CsvImportError) -> dict:
    """Why nothing was imported: the errors by line and column, and how many more."""
    return {
        "ok": False,
        "outside": isinstance(error, OutsideRowsError),
        "errors": [[e.line, e.column, e.message] for e in error.errors],
        "more": error.more,
    }


def _start(pending_id: int, job: str) -> bool:
    """Mark a queued job running (committed, so every worker sees it); False if not queued."""
    started = db.session.execute(
        update(PendingImport)
        .where(
            PendingImport.id == pending_id,
            PendingImport.job == job,
            PendingImport.job_state == "queued",
        )
        .values(job_state="running", preview_started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(started)


def _finish(pending_id: int, job: str, state: str, outcome: dict, **values) -> None:
    """Write the job's outcome into the upload's row (in the caller's transaction)."""
    db.session.execute(
        update(PendingImport)
        .where(PendingImport.id == pending_id, PendingImport.job == job)
        .values(job_state=state, outcome=outcome, preview_started_at=None, **values)
        .execution_options(synchronize_session=False)
    )


def _reporter(pending_id: int, job: str, total: int):
    """A progress callback for the importers: bytes read, recorded now and then."""
    key, last = progress_key(pending_id), [0.0]

    def report(done: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            jobs.put_progress(key, job=job, bytes_done=min(done, total), bytes_total=total)

    return report


def run_job(pending_id: int, job: str, accept_outside: bool) -> None:
    """Run an upload's queued check (rolled back) or import (committed), and record the outcome.

    Rows outside the process pass a check (listed, to be confirmed) and pass the import only
    with ``accept_outside``; the two-person rule's refusal is reported as an error of line 1.
    """
    if not _start(pending_id, job):
        return  # cancelled, or queued twice: the row says what to run
    pending = db.session.get(PendingImport, pending_id)
    if pending is None:
        return  # cancelled as it started
    jobs.put_progress(progress_key(pending_id), job=job, bytes_done=0, bytes_total=pending.size)
    state = "done"
    try:
        outcome = _import(pending, job, accept_outside)
    except CsvImportError as error:
        db.session.rollback()
        outcome = error_outcome(error)
    except LookupError as error:
        db.session.rollback()
        outcome = {"ok": False, "message": f"Nothing was imported: {error}."}
    except Exception:
        db.session.rollback()
        logger.exception("upload %s: the %s job failed", pending_id, job)
        state, outcome = "failed", {"ok": False}
    if outcome is not None:  # an import that went through recorded its outcome itself
        _finish(pending_id, job, state, outcome)
        db.session.commit()
    jobs.forget_progress(progress_key(pending_id))


def _import(pending: PendingImport, job: str, accept_outside: bool) -> dict | None:
    """Run the importer on the upload; a check returns its outcome, an import commits its own."""
    pending_id, kind, status, filename = pending.id, pending.kind, pending.status, pending.filename
    user_id, content = pending.user_id, pending.content
    target, label = resolve_target(kind, pending.target_id)
    if target is None:
        raise LookupError("the process or commitment of this upload no longer exists")
    user = db.session.get(User, user_id)
    actor = user.email if user else ""
    options = {"on_progress": _reporter(pending_id, job, len(content))}
    if kind == "violence":
        importer = import_violence_csv
        options["accept_outside"] = accept_outside
    else:
        importer = import_releases_csv
    try:
        with (
            audit_context(db.session, action="import", actor=actor),
            changes_become_revisions(db.session, user_id, f"{filename} into {label}"),
        ):
            result = importer(io.BytesIO(content), target, status, user_id, **options)
            if job == "import":
                record_import_event(kind, label, filename, result, actor, user_id, status)
                # In the import's transaction: the upload is marked imported if and only if
                # the import is committed. The file itself is no longer needed.
                _finish(pending_id, job, "done", result_outcome(result, True), content=b"")
    except PublicationRefusedError as error:
        raise CsvImportError([RowError(1, "status", str(error))]) from None
    if job == "import":
        db.session.commit()
        return None
    db.session.rollback()
    return result_outcome(result, False)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    return moment


def job_status(pending: PendingImport) -> dict:
    """How the upload's job is going, for its page and its JSON: state, rows and bytes done.

    ``state`` is the row's, or ``stopped`` for a running job not heard from for
    ``IMPORT_JOB_GRACE`` (its worker died) or a queued one the queue lost.
    """
    state, total = pending.job_state, pending.size
    progress = jobs.get_progress(progress_key(pending.id)) or {}
    done = total if state in ("done", "failed") else progress.get("bytes_done", 0)
    heard = [_aware(pending.preview_started_at) or _aware(pending.created_at)]
    if progress.get("heard_at"):
        heard.append(datetime.fromisoformat(progress["heard_at"]))
    now = datetime.now(UTC)
    silent = (now - max(heard)).total_seconds()
    grace = current_app.config["IMPORT_JOB_GRACE"].total_seconds()
    # A queued task may wait behind another upload's long import: it is lost only when the
    # queue no longer holds it.
    if silent > grace and (
        state == "running" or (state == "queued" and not jobs.is_waiting(pending.id))
    ):
        state = "stopped"
    fraction = done / total if total else 0.0
    return {
        "job": pending.job,
        "state": state,
        "finished": state in ("done", "failed", "stopped"),
        "bytes_done": done,
        "bytes_total": total,
        # Rows are estimated from the bytes read: the importers report bytes.
        "rows_done": round(pending.total_rows * fraction),
        "rows_total": pending.total_rows,
        "percent": int(fraction * 100),
        "waiting_seconds": int(silent) if state == "queued" else 0,
    }
