"""CSV exports in the import formats: violence reports (ACLED columns) and release records.

Rows are produced one at a time and written by :mod:`tracker.services.interchange.csvfile`
(formulas neutralised), so a response can stream a large export.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess, ReleaseRecord, ViolenceReport
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.violence import ViolenceFilter, filtered_reports
from tracker.services.interchange.csv_import import RELEASE_COLUMNS, VIOLENCE_COLUMNS
from tracker.services.interchange.csvfile import csv_lines
from tracker.services.interchange.serializers import release_to_dict, violence_to_dict

CHUNK_ROWS = 500
NO_FILTER = ViolenceFilter()


def violence_rows(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> Iterator[dict[str, Any]]:
    """The process's violence reports matching ``filters``, by CSV column, in date order."""
    query = (
        filtered_reports(process, filters, statuses)
        .options(selectinload(ViolenceReport.claims), selectinload(ViolenceReport.sources))
        .order_by(ViolenceReport.event_date, ViolenceReport.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    for report in db.session.scalars(query):
        yield violence_to_dict(report)


def violence_csv(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> Iterator[str]:
    """The violence export of a process as CSV text, in the import format."""
    return csv_lines(VIOLENCE_COLUMNS, violence_rows(process, filters, statuses))


def release_rows(
    commitment: Commitment, statuses: Sequence[str] = PUBLIC
) -> Iterator[dict[str, Any]]:
    """The commitment's release records, by CSV column, in date order."""
    query = (
        select(ReleaseRecord)
        .where(ReleaseRecord.commitment_id == commitment.id, ReleaseRecord.status.in_(statuses))
        .options(selectinload(ReleaseRecord.sources))
        .order_by(ReleaseRecord.date, ReleaseRecord.id)
    )
    for record in db.session.scalars(query):
        yield release_to_dict(record)


def releases_csv(commitment: Commitment, statuses: Sequence[str] = PUBLIC) -> Iterator[str]:
    """The release records of a commitment as CSV text, in the import format."""
    return csv_lines(RELEASE_COLUMNS, release_rows(commitment, statuses))
