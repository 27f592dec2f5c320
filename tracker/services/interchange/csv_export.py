"""CSV exports in the import formats: violence reports (ACLED columns) and release records.

Rows are written by :mod:`tracker.services.interchange.csvfile` (formulas neutralised) and
handed out as they are read, so a response streams a large export.

The violence export reads Core rows, never ORM objects: three queries, the reports, their
sources, and their claims with the claims' sources, each ordered by date and report and read
side by side as the database streams them. So 100,000 reports cost three queries and little
memory; the values are those of :func:`serializers.violence_to_dict`, column for column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import groupby
from math import inf
from operator import itemgetter
from typing import Any

from sqlalchemy import Enum, Select, String, null, select, type_coerce
from sqlalchemy.orm import aliased, selectinload

from tracker.extensions import db
from tracker.models import Claim, Commitment, PeaceProcess, ReleaseRecord, Source, ViolenceReport
from tracker.models.sources import claim_sources, violence_report_sources
from tracker.services.figures.progress import PUBLIC
from tracker.services.figures.violence import ViolenceFilter, apply_filters
from tracker.services.interchange.csv_import import RELEASE_COLUMNS
from tracker.services.interchange.csvfile import csv_chunks, csv_lines
from tracker.services.interchange.serializers import iso, release_to_dict
from tracker.services.interchange.violence_formats import COLUMNS as VIOLENCE_COLUMNS
from tracker.services.interchange.violence_formats import claims_cell

CHUNK_ROWS = 1000
NO_FILTER = ViolenceFilter()
# Columns made from a report's claims and sources; every other column is the report's own.
MADE = ("claimed_by", "denied_by", "source_url", "claims")
MADE_AT = tuple(VIOLENCE_COLUMNS.index(name) for name in MADE)
# Columns where the serializer gives "" for NULL (the CSV writes both as an empty cell).
EMPTY_FOR_NULL = ("event_id_cnty", "sub_event_type", *MADE)
EVENT_DATE = VIOLENCE_COLUMNS.index("event_date")
REPORT = ViolenceReport


def _plain(column):
    """A column as its values come: a vocabulary's CHECK constraint already holds them to it,
    and looking each of 400,000 values up again is time the export does not need."""
    if isinstance(column.type, Enum):
        return type_coerce(column, String).label(column.name)
    return column


def _reports(process: PeaceProcess, filters: ViolenceFilter, statuses: Sequence[str]) -> Select:
    """The process's reports matching ``filters`` in date order: status, id, then a column
    for each of the CSV's (NULL where the export makes the value from claims and sources)."""
    table = REPORT.__table__.c
    columns = [
        null().label(name) if name in MADE else _plain(table[name])
        for name in ("status", "id", *VIOLENCE_COLUMNS)
    ]
    query = select(*columns).where(REPORT.process_id == process.id, REPORT.status.in_(statuses))
    return apply_filters(query, filters).order_by(REPORT.event_date, REPORT.id)


def _sources_of(reports: Select) -> Select:
    """(date, report id, url) of the sources of ``reports``, in their order, by source id."""
    links = violence_report_sources.c
    return (
        reports.with_only_columns(REPORT.event_date, REPORT.id, Source.url)
        .join(violence_report_sources, links.violence_report_id == REPORT.id)
        .join(Source, Source.id == links.source_id)
        .order_by(Source.id)
    )


def _claims_of(reports: Select) -> Select:
    """(date, report id, claim id, actor, stance, stated on, notes, source url or None) of
    the claims of ``reports``, in their order, by claim id then source id."""
    # An alias keeps the claims joined here apart from the actor filter's subqueries on claims.
    claim = aliased(Claim)
    links = claim_sources.c
    return (
        reports.with_only_columns(
            REPORT.event_date,
            REPORT.id,
            claim.id,
            claim.actor,
            claim.stance,
            claim.stated_on,
            claim.notes,
            Source.url,
        )
        .join(claim, claim.violence_report_id == REPORT.id)
        .outerjoin(claim_sources, links.claim_id == claim.id)
        .outerjoin(Source, Source.id == links.source_id)
        .order_by(claim.id, Source.id)
    )


# A key after every report's (date, id): where a query's rows have run out.
AFTER_ALL = (date.max, inf)


class _Alongside:
    """The rows of a query in the reports' order, handed out report by report; ``key`` is
    the (date, id) of the next report it has rows for."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        self.groups = groupby(rows, key=itemgetter(0, 1))
        self.key, self.rows = next(self.groups, (AFTER_ALL, None))

    def take(self, key: tuple) -> list[Sequence[Any]]:
        """The rows of the report with ``key``, or none. Rows of reports before it (one written
        after the reports were read) are skipped."""
        while self.key < key:
            self.key, self.rows = next(self.groups, (AFTER_ALL, None))
        if self.key != key:
            return []
        rows = list(self.rows)
        self.key, self.rows = next(self.groups, (AFTER_ALL, None))
        return rows


def _claims(rows: list[Sequence[Any]]) -> list[dict[str, Any]]:
    """A report's claims as the serializer gives them, from its rows of :func:`_claims_of`."""
    return [
        {
            "actor": first[3],
            "stance": first[4],
            "date": iso(first[5]),
            "notes": first[6],
            "source_url": ";".join(row[7] for row in (first, *more) if row[7] is not None),
        }
        for _, (first, *more) in groupby(rows, key=itemgetter(2))
    ]


def _make(values: list[Any], claim_rows: list, source_rows: list) -> None:
    """Fill in the columns made from a report's claims and sources."""
    found = _claims(claim_rows)
    made = (
        ";".join(c["actor"] for c in found if c["stance"] == "claimed"),
        ";".join(c["actor"] for c in found if c["stance"] == "denied"),
        ";".join(link[2] for link in source_rows),
        claims_cell(found),
    )
    for index, value in zip(MADE_AT, made, strict=True):
        values[index] = value


def violence_values(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> Iterator[tuple[Sequence[Any], str]]:
    """(values in the order of the violence CSV's columns, status) of each report matching
    ``filters``, in date order, from three streamed queries. Values are as the database gives
    them (dates as dates; NULL, and made columns of a report without claims or sources, as
    None), which the CSV writer writes as the serializer's text."""
    reports = _reports(process, filters, statuses)
    connection = db.session.connection()
    streamed = {"yield_per": CHUNK_ROWS}
    report_rows = connection.execute(reports, execution_options=streamed)
    sources = _Alongside(connection.execute(_sources_of(reports), execution_options=streamed))
    claims = _Alongside(connection.execute(_claims_of(reports), execution_options=streamed))
    for row in report_rows:
        values = row[2:]
        key = (values[EVENT_DATE], row[1])
        if claims.key <= key or sources.key <= key:
            values = list(values)
            _make(values, claims.take(key), sources.take(key))
        yield values, row[0]


def violence_rows(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> Iterator[dict[str, Any]]:
    """The process's violence reports matching ``filters``, by CSV column (and status), in
    date order: the serializer's values, with the claims column as the CSV writes it."""
    for values, status in violence_values(process, filters, statuses):
        row = dict(zip(VIOLENCE_COLUMNS, values, strict=True))
        for name in EMPTY_FOR_NULL:
            row[name] = row[name] or ""
        row["event_date"] = row["event_date"].isoformat()
        row["status"] = status
        yield row


def violence_csv(
    process: PeaceProcess,
    filters: ViolenceFilter = NO_FILTER,
    statuses: Sequence[str] = PUBLIC,
) -> Iterator[str]:
    """The violence export of a process as CSV text in chunks, in the import format."""
    values = (row for row, _ in violence_values(process, filters, statuses))
    return csv_chunks(VIOLENCE_COLUMNS, values, CHUNK_ROWS)


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
