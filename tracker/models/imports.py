"""Uploads waiting for a researcher's confirmation between the preview and the import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import REVIEW_STATUS, Base, utcnow, vocabulary

IMPORT_KINDS = ("violence", "releases")
# The job an upload is waiting for or ran last: the dry-run check, then the import.
UPLOAD_JOBS = ("check", "import")
# queued (waiting for the consumer), running, done (outcome says how), failed (a bug: logged).
JOB_STATES = ("queued", "running", "done", "failed")


class PendingImport(Base):
    """An uploaded CSV kept in the database (not on one host's disk) until confirmed."""

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: the preview URL names it, and only its uploader may use it.
    token: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(vocabulary("import_kind", IMPORT_KINDS), nullable=False)
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        vocabulary("review_status", REVIEW_STATUS), nullable=False, default="under_review"
    )
    filename: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    # Up to MAX_CONTENT_LENGTH: loaded only by the job that reads it, not by every page view
    # or progress poll.
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )
    # Set (and committed) when a job is queued or starts, cleared when it finishes: still set
    # long after the job's last sign of life means the job died with its worker.
    preview_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    job: Mapped[str] = mapped_column(
        vocabulary("upload_job", UPLOAD_JOBS), nullable=False, default="check"
    )
    job_state: Mapped[str] = mapped_column(
        vocabulary("upload_job_state", JOB_STATES), nullable=False, default="queued"
    )
    # Counted when the file is uploaded, so progress can say "of how many".
    total_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What the last job found: counts and first rows, or the errors (see upload_jobs.py).
    outcome: Mapped[dict | None] = mapped_column(JSON)
