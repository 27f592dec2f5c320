"""What viewers may see: published records only, shaped once for the pages and the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, ReleaseRecord, ViolenceReport
from tracker.services.figures.progress import (
    PUBLIC,
    Progress,
    implementation_score,
    pam_status,
    progress_for,
)
from tracker.services.interchange.serializers import commitment_terms, iso, process_summary
from tracker.services.rules import fields as F


def published_processes() -> list[PeaceProcess]:
    """Every published process, by name."""
    return list(
        db.session.scalars(
            select(PeaceProcess)
            .where(PeaceProcess.status == "published")
            .order_by(PeaceProcess.name)
        )
    )


def find_process(slug: str, statuses: Sequence[str] = PUBLIC) -> PeaceProcess | None:
    """A process by slug, when its review status is one of ``statuses``.

    A string that cannot be a slug finds nothing without asking the database: PostgreSQL
    answers a NUL character with an error, not an empty result.
    """
    if not F.is_slug(slug):
        return None
    return db.session.scalar(
        select(PeaceProcess).where(PeaceProcess.slug == slug, PeaceProcess.status.in_(statuses))
    )


def visible_commitments(
    process: PeaceProcess, statuses: Sequence[str] = PUBLIC
) -> list[Commitment]:
    """Commitments of the process's visible agreements that are themselves visible."""
    return [
        commitment
        for agreement in process.agreements
        if agreement.status in statuses
        for commitment in agreement.commitments
        if commitment.status in statuses
    ]


def is_visible_commitment(
    commitment: Commitment | None,
    statuses: Sequence[str] = PUBLIC,
    process: PeaceProcess | None = None,
) -> bool:
    """Whether a commitment, its agreement and its process all have one of ``statuses`` (and,
    when ``process`` is given, whether it belongs to that process)."""
    if commitment is None:
        return False
    agreement = commitment.agreement
    return (
        commitment.status in statuses
        and agreement.status in statuses
        and agreement.process.status in statuses
        and (process is None or agreement.process_id == process.id)
    )


def find_commitment(commitment_id: int, statuses: Sequence[str] = PUBLIC) -> Commitment | None:
    """A commitment by id when it is visible with ``statuses`` (see is_visible_commitment)."""
    commitment = db.session.get(Commitment, commitment_id)
    return commitment if is_visible_commitment(commitment, statuses) else None


def progress_dict(progress: Progress) -> dict[str, Any]:
    """The ``progress`` object of the API: achieved, unrounded percent, as-of date."""
    return {
        "achieved": progress.achieved,
        "percent": progress.percent,
        "as_of": iso(progress.as_of),
    }


def commitment_dict(
    commitment: Commitment, progress: Progress | None, on: date, statuses: Sequence[str]
) -> dict[str, Any]:
    """A commitment as the API shows it, with its status and progress."""
    return {
        "id": commitment.id,
        **commitment_terms(commitment),
        "status": pam_status(commitment, on, statuses, progress),
        "progress": progress_dict(progress) if progress else None,
    }


def process_detail(
    process: PeaceProcess, statuses: Sequence[str] = PUBLIC, on: date | None = None
) -> dict[str, Any]:
    """A process with its parties, agreements, commitments and their progress (API and pages)."""
    on = on or date.today()
    commitments = visible_commitments(process, statuses)
    progress = progress_for([c for c in commitments if c.is_countable], statuses)
    agreements = []
    for agreement in process.agreements:
        if agreement.status not in statuses:
            continue
        agreements.append(
            {
                "key": agreement.key,
                "title": agreement.title,
                "signed_on": iso(agreement.signed_on),
                "signatories": [party.name for party in agreement.signatories],
                "summary": agreement.summary,
                "implementation_score": implementation_score(agreement, on, statuses),
                "sources": [{"url": s.url, "publisher": s.publisher} for s in agreement.sources],
                "commitments": [
                    commitment_dict(c, progress.get(c.id), on, statuses)
                    for c in agreement.commitments
                    if c.status in statuses
                ],
            }
        )
    return {
        **process_summary(process),
        "parties": [
            {"name": p.name, "short_name": p.short_name, "kind": p.kind} for p in process.parties
        ],
        "agreements": agreements,
        "milestones": [
            {"date": iso(m.date), "end_date": iso(m.end_date), "title": m.title, "notes": m.notes}
            for m in process.milestones
            if m.status in statuses
        ],
    }


def latest_record_date(process: PeaceProcess, statuses: Sequence[str] = PUBLIC) -> date | None:
    """The date of the newest visible release record or violence report of the process."""
    commitment_ids = [c.id for c in visible_commitments(process, statuses)]
    latest_release = None
    if commitment_ids:
        latest_release = db.session.scalar(
            select(func.max(ReleaseRecord.date)).where(
                ReleaseRecord.commitment_id.in_(commitment_ids), ReleaseRecord.status.in_(statuses)
            )
        )
    latest_report = db.session.scalar(
        select(func.max(ViolenceReport.event_date)).where(
            ViolenceReport.process_id == process.id, ViolenceReport.status.in_(statuses)
        )
    )
    dates = [d for d in (latest_release, latest_report) if d]
    return max(dates) if dates else None
