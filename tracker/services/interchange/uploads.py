"""Web uploads of CSV files: kept in the database between the check and the import.

App servers keep nothing between requests, so an upload waits in ``pending_imports`` (any
host can show it, any consumer can run its jobs). Its check runs the real import and rolls it
back, so the preview's counts and rows are exactly what the import will write; both run as
jobs (:mod:`upload_jobs`).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, PendingImport
from tracker.models.base import utcnow

KEEP_PENDING = timedelta(days=1)


def queue_job(
    pending_id: int, job: str, allowed: tuple[str, ...], after: str | None = None, stale_before=None
) -> bool:
    """Mark the upload as waiting for ``job`` (committed before the job is queued); False when
    its state is not one of ``allowed`` (another job holds it, or it was imported), or its last
    job was not ``after`` when given.

    A job still ``queued`` or ``running`` is taken over only when it was started before
    ``stale_before`` (it died with its worker): the condition is checked in the UPDATE itself,
    so two requests cannot both take it.
    """
    holds = PendingImport.job_state.in_(allowed)
    if after is not None:
        holds = holds & (PendingImport.job == after)
    if stale_before is not None:
        holds = holds | (
            PendingImport.job_state.in_(("queued", "running"))
            & (
                (PendingImport.preview_started_at < stale_before)
                | (
                    PendingImport.preview_started_at.is_(None)
                    & (PendingImport.created_at < stale_before)
                )
            )
        )
    queued = db.session.execute(
        update(PendingImport)
        .where(PendingImport.id == pending_id, holds)
        .values(job=job, job_state="queued", preview_started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(queued)


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
    user_id: int,
    kind: str,
    target_id: int,
    status: str,
    filename: str,
    content: bytes,
    total_rows: int,
) -> PendingImport:
    """Keep an upload, waiting for its check; forget day-old uploads and their outcomes."""
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
        total_rows=total_rows,
        job="check",
        job_state="queued",
        preview_started_at=utcnow(),
    )
    db.session.add(pending)
    db.session.commit()
    return pending


def find_pending(token: str, user_id: int) -> PendingImport | None:
    """An upload of this user's, by its token."""
    return db.session.scalar(
        select(PendingImport).where(PendingImport.token == token, PendingImport.user_id == user_id)
    )


def waiting_uploads(user_id: int) -> list:
    """This user's uploads not imported yet, newest first (without their files)."""
    rows = db.session.execute(
        select(
            PendingImport.id,
            PendingImport.size,
            PendingImport.preview_started_at,
            PendingImport.token,
            PendingImport.filename,
            PendingImport.created_at,
            PendingImport.total_rows,
            PendingImport.job,
            PendingImport.job_state,
            PendingImport.outcome,
        )
        .where(PendingImport.user_id == user_id)
        .order_by(PendingImport.created_at.desc(), PendingImport.id.desc())
    ).all()
    return [row for row in rows if not (row.outcome or {}).get("imported")]


def discard_pending(pending: PendingImport) -> None:
    """Forget an upload the researcher cancelled."""
    db.session.delete(pending)
    db.session.commit()
