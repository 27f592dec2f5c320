"""The fast path of a violence import: new reports with SQLAlchemy Core, unchanged ones skipped.

For each chunk of valid rows, one narrow query (id, key, fingerprint; no ORM objects) tells
the rows apart:

- a report the row's fingerprint matches is unchanged and costs nothing more;
- a new report goes in with multi-row INSERTs (``insertmanyvalues``; COPY on PostgreSQL), its
  sources and claims too, a few statements per chunk; the import's ONE audit event lists the
  ids it added (:mod:`tracker.services.entry.trail` reads each record's first version from it);
- anything else (a changed row, a report with no fingerprint) is handed back for the ORM
  writer, whose audit events and pending revisions stay as they were.

Core inserts are not seen by the flush guard, so the guard's rule for new records is asked
explicitly (:func:`tracker.services.entry.guard.refuse_new_published`). Any other change to a
report (forms, publishing, history, bundles, the ORM import) sets its fingerprint to NULL
before the flush (:func:`_fingerprints_go_stale`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, func, insert, inspect, select, text, tuple_, update
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import AuditEvent, Claim, Source, ViolenceReport
from tracker.models.base import utcnow
from tracker.models.sources import claim_sources, violence_report_sources
from tracker.services.dashboard import cache
from tracker.services.entry import guard
from tracker.services.entry.audit import _current_user
from tracker.services.entry.trail import RECORDS_KEY, add_to_runs
from tracker.services.interchange.batch import VIOLENCE_IDENTITY, violence_key

REPORTS = ViolenceReport.__table__
CLAIMS = Claim.__table__
SOURCES = Source.__table__
NOT_COLUMNS = ("claimed_by", "denied_by", "source_url", "claims")
ENTITY = "violence_report"


def fingerprint(report: dict[str, Any]) -> str:
    """A hash of a cleaned row: its values, sources and claims (32 hex digits)."""
    # The parser builds every row's dict in the same key order: no sort needed. A parser that
    # changes that order only sends rows through the slow path once, which compares for real.
    return hashlib.blake2b(repr(report).encode(), digest_size=16).hexdigest()


def file_hash(stream) -> str:
    """The sha256 of a seekable file, read in blocks; the stream is left at its start."""
    if not stream.seekable():
        return ""
    start, digest = stream.tell(), hashlib.sha256()
    while block := stream.read(1 << 20):
        digest.update(block)
    stream.seek(start)
    return digest.hexdigest()


def _existing(process_id: int, rows: list[dict]) -> dict[Any, tuple[int, str | None]]:
    """(id, fingerprint) of the chunk's existing reports, by import key, in one or two queries."""
    columns = (REPORTS.c.id, REPORTS.c.fingerprint, REPORTS.c.event_id_cnty)
    identity = [REPORTS.c[name] for name in VIOLENCE_IDENTITY]
    ids = [row["event_id_cnty"] for row in rows if row.get("event_id_cnty")]
    keys = {violence_key(row) for row in rows if not row.get("event_id_cnty")}
    found: dict[Any, tuple[int, str | None]] = {}
    in_process = REPORTS.c.process_id == process_id
    with _custom_plans():
        _look_up(found, in_process, columns, identity, ids, keys)
    return found


@contextlib.contextmanager
def _custom_plans():
    """On PostgreSQL, plan each look-up for its own ids. psycopg 3 prepares a statement run
    five times, and the generic plan it then gets compares every report of the process with
    the chunk's 1,000 ids one by one (0.5 s a chunk at 50,000 reports, and growing); a custom
    plan hashes them."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    yield  # no finally: after an error the transaction is rolled back, the setting with it
    if postgres:
        db.session.execute(text("SET LOCAL plan_cache_mode = auto"))


def _look_up(found, in_process, columns, identity, ids, keys) -> None:
    """Fill ``found``: reports by event id, then those without one by their identity."""
    if ids:
        query = select(*columns).where(in_process, REPORTS.c.event_id_cnty.in_(ids))
        for record_id, stored, event_id in db.session.execute(query):
            found[event_id] = (record_id, stored)
    if keys:
        query = (
            select(*columns, *identity)
            .where(in_process, REPORTS.c.event_id_cnty.is_(None), tuple_(*identity).in_(keys))
            .order_by(REPORTS.c.id)
        )
        for record_id, stored, _, *key in db.session.execute(query):
            # Several records may share a key (entered by hand); the oldest one is meant.
            found.setdefault(tuple(key), (record_id, stored))


def _source_ids(urls: set[str], now) -> dict[str, int]:
    """Ids of the sources with these URLs, the missing ones created in one statement."""
    if not urls:
        return {}
    query = select(SOURCES.c.url, SOURCES.c.id).where(SOURCES.c.url.in_(urls))
    ids = dict(db.session.execute(query).all())
    missing = sorted(urls - ids.keys())
    if missing:
        rows = [
            {"url": url, "publisher": "", "title": "", "created_at": now, "updated_at": now,
             "version": 1}
            for url in missing
        ]  # fmt: skip
        statement = insert(SOURCES).returning(SOURCES.c.url, SOURCES.c.id)
        ids.update(db.session.execute(statement, rows).all())
    return ids


def _copies() -> bool:
    """Whether new reports go in by COPY: on PostgreSQL through psycopg 3."""
    dialect = db.session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _copy(table, rows: list[dict]) -> list[int]:
    """PostgreSQL: rows in by COPY (psycopg 3), their ids taken from the table's sequence
    first. A raw COPY is no statement the chart cache sees, so it moves the version itself."""
    connection = db.session.connection()
    sequence = connection.execute(select(func.pg_get_serial_sequence(table.name, "id"))).scalar()
    ids = list(
        connection.execute(
            select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
        ).scalars()
    )
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in ("id", *names))
    with (
        connection.connection.driver_connection.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy,
    ):
        for record_id, row in zip(ids, rows, strict=True):
            copy.write_row((record_id, *(row[name] for name in names)))
    if not connection.info.get(cache.BUMPED):
        cache.bump(connection)
    return ids


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


class BulkViolence:
    """One import's fast path: what it added, for its one audit event."""

    def __init__(self, process_id: int, status: str | None, user_id: int | None):
        self.process_id = process_id
        self.status = status or "under_review"
        self.user_id = user_id
        self.added: list[list[int]] = []  # runs of ids, [[first, last], ...]
        self.sources_linked = 0
        self.claims_added = 0
        self.digests: dict[int, str] = {}  # the chunk's rows left to the ORM, by line

    def write(self, rows: list[tuple[int, dict]], counts) -> list[tuple[int, dict]]:
        """Insert the chunk's new reports, count its unchanged ones; return the other rows
        (changed, or never fingerprinted) for the ORM writer."""
        reports = [values for _, values in rows]
        existing = _existing(self.process_id, reports)
        new, rest = [], []
        self.digests = {}
        for line, values in rows:
            key = values.get("event_id_cnty") or violence_key(values)
            digest = fingerprint(values)
            found = existing.get(key)
            if found is None:
                new.append((values, digest))
            elif found[1] == digest:
                counts.count("violence", "unchanged")
            else:
                rest.append((line, values))
                self.digests[line] = digest
        if new:
            # The flush guard does not see Core inserts: the same rule, asked explicitly.
            guard.refuse_new_published(db.session, self.status, len(new))
            self._insert(new)
            for _ in new:
                counts.count("violence", "added")
        return rest

    def learn(self, unchanged: list[tuple[int, int]]) -> None:
        """Store the fingerprints of reports the ORM writer found unchanged, given as
        (line, id): reports written before fingerprints existed, or compared after a change,
        take the fast path from the next import on."""
        if unchanged:
            statement = (
                update(REPORTS)
                .where(REPORTS.c.id == bindparam("report_id"))
                .values(fingerprint=bindparam("digest"))
            )
            rows = [{"report_id": i, "digest": self.digests[line]} for line, i in unchanged]
            db.session.execute(statement, rows)

    def _insert(self, new: list[tuple[dict, str]]) -> None:
        now = utcnow()
        batch = (db.session.info.get("revise_public") or {}).get("batch") or None
        urls = {url for values, _ in new for url in values["source_url"]}
        urls |= {url for values, _ in new for c in values["claims"] for url in c["source_url"]}
        source_ids = _source_ids(urls, now)
        by_columns: dict[frozenset, list[int]] = {}
        params = []
        for index, (values, digest) in enumerate(new):
            row = {k: v for k, v in values.items() if k not in NOT_COLUMNS}
            row.update(
                event_id_cnty=values.get("event_id_cnty") or None,
                process_id=self.process_id,
                status=self.status,
                created_by_id=self.user_id,
                import_batch=batch if self.status == "under_review" else None,
                fingerprint=digest,
                created_at=now,
                updated_at=now,
                version=1,
            )
            params.append(row)
            by_columns.setdefault(frozenset(row), []).append(index)
        # Each row's id comes back with its fingerprint (unique within a file: two rows alike
        # have the same key, refused before), so RETURNING needs no ordering, which on SQLite
        # would cost one statement per row.
        statement = insert(REPORTS).returning(REPORTS.c.fingerprint, REPORTS.c.id)
        copying = _copies()
        by_digest: dict[str, int] = {}
        for indexes in by_columns.values():  # one group unless rows differ in their columns
            group = [params[i] for i in indexes]
            if copying:
                digests = [row["fingerprint"] for row in group]
                by_digest.update(zip(digests, _copy(REPORTS, group), strict=True))
            else:
                by_digest.update(db.session.execute(statement, group).all())
        ids = [by_digest[digest] for _, digest in new]
        add_to_runs(self.added, sorted(ids))
        links = [
            {"violence_report_id": record_id, "source_id": source_ids[url]}
            for record_id, (values, _) in zip(ids, new, strict=True)
            for url in _unique(values["source_url"])
        ]
        if links:
            db.session.execute(insert(violence_report_sources), links)
            self.sources_linked += len(links)
        self._insert_claims(ids, new, source_ids, now)

    def _insert_claims(self, ids, new, source_ids: dict[str, int], now) -> None:
        claims, claim_urls = [], []
        for record_id, (values, _) in zip(ids, new, strict=True):
            for claim in values["claims"]:
                claims.append(
                    {"violence_report_id": record_id, "actor": claim["actor"],
                     "stance": claim["stance"], "stated_on": claim["date"],
                     "notes": claim["notes"] or "", "created_at": now, "updated_at": now,
                     "version": 1}
                )  # fmt: skip
                claim_urls.append(_unique(claim["source_url"]))
        if not claims:
            return
        # As above: ids matched by what tells a report's claims apart, not by their order.
        what = ("violence_report_id", "actor", "stance", "stated_on", "notes")
        statement = insert(CLAIMS).returning(CLAIMS.c.id, *(CLAIMS.c[name] for name in what))
        waiting: dict[tuple, list[int]] = {}
        for claim_id, *key in db.session.execute(statement, claims):
            waiting.setdefault(tuple(key), []).append(claim_id)
        claim_ids = [waiting[tuple(claim[name] for name in what)].pop() for claim in claims]
        self.claims_added += len(claim_ids)
        links = [
            {"claim_id": claim_id, "source_id": source_ids[url]}
            for claim_id, urls in zip(claim_ids, claim_urls, strict=True)
            for url in urls
        ]
        if links:
            db.session.execute(insert(claim_sources), links)

    def audit(self, result, sha256: str, filename: str, batch: str) -> AuditEvent | None:
        """The import's one audit event: the file's hash, the counts and the added ids as
        runs; :func:`tracker.services.interchange.import_log.record_import_event` completes it."""
        if not self.added:
            return None
        user_id, email = _current_user()
        counts = result.counts
        event = AuditEvent(
            occurred_at=utcnow(),
            user_id=user_id or self.user_id,
            actor=email or db.session.info.get("audit_actor", ""),
            action="import",
            entity_type="import",
            summary=f"violence from {filename}: {counts.added} added"[:500],
            changes={
                "kind": "violence",
                RECORDS_KEY: ENTITY,
                "file": filename,
                "sha256": sha256,
                "rows": result.rows,
                "added_as": self.status,
                "added": counts.added,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "sources_linked": self.sources_linked,
                "claims_added": self.claims_added,
                "batch": batch,
                "ids": self.added,
            },
        )
        db.session.add(event)
        db.session.flush()
        return event


def _fingerprints_go_stale(session: Session, flush_context, instances) -> None:
    """Any ORM change to a report, to one of its claims or to the URL of a source either cites
    makes the report's fingerprint stale: the next re-import compares that report for real."""
    reports = [
        obj for obj in session.dirty if isinstance(obj, ViolenceReport) and session.is_modified(obj)
    ]
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Claim) and obj.report is not None and obj.report not in session.new:
            reports.append(obj.report)
    for report in reports:
        if report.fingerprint is not None:
            report.fingerprint = None
    # A source's URL is part of the rows that cite it, directly or through a claim: editing it
    # makes those reports' fingerprints stale too (set in SQL: they need not be loaded).
    edited = [
        obj.id
        for obj in session.dirty
        if isinstance(obj, Source) and obj.id is not None and inspect(obj).attrs.url.history.deleted
    ]
    if edited:
        direct = select(violence_report_sources.c.violence_report_id).where(
            violence_report_sources.c.source_id.in_(edited)
        )
        by_claim = (
            select(CLAIMS.c.violence_report_id)
            .join(claim_sources, claim_sources.c.claim_id == CLAIMS.c.id)
            .where(claim_sources.c.source_id.in_(edited))
        )
        session.connection().execute(
            update(REPORTS)
            .where(REPORTS.c.id.in_(direct.union(by_claim)), REPORTS.c.fingerprint.is_not(None))
            .values(fingerprint=None)
        )


def init_app(app) -> None:
    """Attach the fingerprint listener to every session (once per process)."""
    if not event.contains(Session, "before_flush", _fingerprints_go_stale):
        event.listen(Session, "before_flush", _fingerprints_go_stale)
