"""CSV imports of violence reports (ACLED's columns) and release records (DOMAIN.md).

The file is read one row at a time, so memory stays flat however long it is (the only thing
that grows is the set of row keys used to catch a record given twice). Valid rows are written
in chunks of :data:`CHUNK`, in the caller's transaction, each chunk with one look-up query for
its existing records and one for its sources; once any row is bad, writing stops, the rest of
the file is still checked so every error is listed, and :class:`CsvImportError` tells the
caller to roll back. The caller commits: one transaction, all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from tracker.extensions import db
from tracker.models import Commitment, PeaceProcess
from tracker.services.interchange.batch import (
    PrefetchedSources,
    release_key,
    release_lookup,
    violence_key,
    violence_lookup,
)
from tracker.services.interchange.bundle import ImportCounts
from tracker.services.interchange.csv_read import (  # noqa: F401 - part of this module's interface
    CsvImportError,
    ErrorList,
    RowError,
    count_rows,
    read_csv,
    undo_neutralisation,
)
from tracker.services.interchange.writers import write_release, write_violence
from tracker.services.rules import fields as F

PREVIEW_ROWS = 10
# Valid rows are written in chunks: one look-up query per chunk (not per row), one flush, and
# then the session forgets them so it does not grow with the file.
CHUNK = 1000
VIOLENCE_REQUIRED = ("event_date", "event_type", "actor1", "location", "fatalities")
VIOLENCE_COLUMNS = tuple(F.VIOLENCE_FIELDS)
RELEASE_REQUIRED = ("date", "count")
RELEASE_COLUMNS = tuple(F.RELEASE_FIELDS)


@dataclass
class CsvImportResult:
    """What an import did (or, in a dry run, would do)."""

    rows: int = 0
    counts: ImportCounts = field(default_factory=ImportCounts)
    preview: list[dict[str, Any]] = field(default_factory=list)


def _progress_reporter(stream: BinaryIO, on_progress: Callable[[int], None] | None):
    """A function to call per row that reports the bytes read, now and then."""
    if on_progress is None:
        return lambda rows: None

    def report(rows: int) -> None:
        if rows % 200 == 0:
            on_progress(stream.tell())

    return report


def _finish_status(record, outcome: str, status: str | None, user_id: int | None) -> None:
    """New and changed records take the chosen status; unchanged ones keep theirs."""
    if outcome == "added":
        record.status = status or "under_review"
        record.created_by_id = user_id
    elif outcome == "updated" and status:
        record.status = status


def _outcome(counts: ImportCounts, before: tuple[int, int, int]) -> str:
    if counts.added > before[0]:
        return "added"
    return "updated" if counts.updated > before[1] else "unchanged"


def _write_chunk(rows, result: CsvImportResult, status, user_id, write, full: bool) -> None:
    """Write a chunk of valid rows with ``write(values)``, then flush them as one batch.

    ``write`` takes its look-ups from one query per chunk (see :mod:`import_batch`); rows of
    one file cannot match each other's look-ups (``seen`` refused repeats), so answers
    gathered before the chunk are the ones a query per row would give. After a full chunk the
    session forgets the written records, so memory does not grow with the file.
    """
    for line, values in rows:
        before = (result.counts.added, result.counts.updated, result.counts.unchanged)
        record = write(values)
        _finish_status(record, _outcome(result.counts, before), status, user_id)
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append({"line": line, **values})
    db.session.flush()
    if full:
        db.session.expunge_all()


def _violence_chunk(process_id: int, rows, result, status, user_id, full: bool) -> None:
    """Write a chunk of violence reports: existing reports and sources found in a few queries."""
    # No autoflush: the look-ups must not flush rows half-written; the chunk is flushed whole.
    with db.session.no_autoflush:
        process = db.session.get(PeaceProcess, process_id)
        reports = [report for _, report in rows]
        sources = PrefetchedSources(url for report in reports for url in report["source_url"])
        lookup = violence_lookup(process_id, reports)
        _write_chunk(
            rows,
            result,
            status,
            user_id,
            lambda report: write_violence(process, report, sources, result.counts, lookup),
            full,
        )


def _release_chunk(commitment_id: int, rows, result, status, user_id, full: bool) -> None:
    """Write a chunk of release records: existing ones and sources found in a few queries."""
    with db.session.no_autoflush:
        commitment = db.session.get(Commitment, commitment_id)
        releases = [release for _, release in rows]
        sources = PrefetchedSources(url for release in releases for url in release["source_url"])
        lookup = release_lookup(commitment_id, releases)
        _write_chunk(
            rows,
            result,
            status,
            user_id,
            lambda release: write_release(commitment, release, sources, result.counts, lookup),
            full,
        )


def import_violence_csv(
    stream: BinaryIO,
    process: PeaceProcess,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvImportResult:
    """Import violence reports into ``process``; raise :class:`CsvImportError` on any bad row."""
    errors, result = ErrorList(), CsvImportResult()
    process_id, chunk = process.id, []
    seen: dict[tuple, int] = {}
    progress = _progress_reporter(stream, on_progress)
    for line, raw in read_csv(stream, VIOLENCE_REQUIRED, VIOLENCE_COLUMNS, errors):
        result.rows += 1
        progress(result.rows)
        report, problems = F.parse_violence(raw)
        for column, message in problems.items():
            errors.add(line, column, message)
        if problems:
            continue
        key = report["event_id_cnty"] or violence_key(report)
        if key in seen:
            column = "event_id_cnty" if report["event_id_cnty"] else ""
            what = (
                f"{key!r} is already on line {seen[key]}"
                if column
                else f"the same date, location, event type and actor1 as line {seen[key]}, "
                "and no event_id_cnty to tell them apart"
            )
            errors.add(line, column, what)
            continue
        seen[key] = line
        if errors:
            continue  # keep checking, but write nothing more: it will all be rolled back
        report["claims"] = F.claims_from_lists(report)
        chunk.append((line, report))
        if len(chunk) == CHUNK:
            _violence_chunk(process_id, chunk, result, status, user_id, full=True)
            chunk = []
    errors.raise_if_any()
    _violence_chunk(process_id, chunk, result, status, user_id, full=False)
    return result


def import_releases_csv(
    stream: BinaryIO,
    commitment: Commitment,
    status: str | None = None,
    user_id: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvImportResult:
    """Import release records of ``commitment``; raise :class:`CsvImportError` on any bad row."""
    if commitment.kind != "prisoner_release":
        raise CsvImportError(
            [RowError(1, "", "release records belong to prisoner_release commitments only")]
        )
    errors, result = ErrorList(), CsvImportResult()
    commitment_id, chunk = commitment.id, []
    seen: dict[tuple, int] = {}
    progress = _progress_reporter(stream, on_progress)
    for line, raw in read_csv(stream, RELEASE_REQUIRED, RELEASE_COLUMNS, errors):
        result.rows += 1
        progress(result.rows)
        release, problems = F.parse_release(raw)
        for column, message in problems.items():
            errors.add(line, column, message)
        if problems:
            continue
        key = release_key(release)
        if key in seen:
            errors.add(line, "", f"the same date, kind, count and location as line {seen[key]}")
            continue
        seen[key] = line
        if errors:
            continue
        chunk.append((line, release))
        if len(chunk) == CHUNK:
            _release_chunk(commitment_id, chunk, result, status, user_id, full=True)
            chunk = []
    errors.raise_if_any()
    _release_chunk(commitment_id, chunk, result, status, user_id, full=False)
    return result
