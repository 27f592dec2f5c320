"""Batched look-ups for bulk imports: one query per chunk of rows instead of one per row.

A CSV import writes its rows in chunks. Before writing a chunk it asks, in one SELECT each,
which of the chunk's records and sources exist already; the per-row writers of
:mod:`tracker.services.interchange.writers` then take the answer from a dictionary. The answers are
the ones the per-row queries (``find_violence``, ``find_release``, ``SourceCache.get``) give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Claim, ReleaseRecord, Source, ViolenceReport
from tracker.services.entry.sources import SourceCache


class PrefetchedSources(SourceCache):
    """A :class:`SourceCache` that learnt in one query which of a chunk's URLs exist."""

    def __init__(self, urls: Iterable[str]):
        super().__init__()
        wanted = set(urls)
        found = (
            db.session.scalars(select(Source).where(Source.url.in_(wanted))).all() if wanted else []
        )
        self.found: dict[str, Source] = {source.url: source for source in found}
        self.missing = wanted - self.found.keys()

    def get(self, url: str, publisher: str = "") -> Source:
        """As :meth:`SourceCache.get` (no bundle details here), without a query per URL."""
        if url in self.by_url:
            return self.by_url[url]
        if url in self.found:
            source = self.found[url]
        elif url in self.missing:
            source = None
        else:  # a URL nobody announced: ask, as the plain cache does
            source = db.session.scalar(select(Source).where(Source.url == url))
        if source is None:
            source = Source(url=url, publisher=publisher or "")
            db.session.add(source)
        if publisher and not source.publisher:
            source.publisher = publisher
        self.by_url[url] = source
        return source


# What a re-import recognises a record by (archived ones included), in one place for the
# per-row writers, these batched look-ups and the CSV imports' check for a row given twice.
# A violence report with an ``event_id_cnty`` is known by that id; one without, by these.
VIOLENCE_IDENTITY = ("event_date", "location", "event_type", "actor1")
RELEASE_IDENTITY = ("date", "kind", "count", "location")


def violence_key(values: dict[str, Any]) -> tuple:
    """What a report without ``event_id_cnty`` is known by: date, place, type, first actor."""
    return tuple(values[name] for name in VIOLENCE_IDENTITY)


def identity(model: type, names: tuple[str, ...], values: dict[str, Any]) -> list:
    """SQL conditions matching ``values`` on the identity columns ``names`` of ``model``."""
    return [getattr(model, name) == values[name] for name in names]


def violence_lookup(
    process_id: int, reports: list[dict[str, Any]]
) -> Callable[[dict[str, Any]], ViolenceReport | None]:
    """``find_violence`` for a chunk of cleaned rows: two queries, then dictionary look-ups.

    The records come with their sources and claims (and the claims' sources) loaded, which
    the writer compares with the row.
    """
    loaded = (
        selectinload(ViolenceReport.sources),
        selectinload(ViolenceReport.claims).selectinload(Claim.sources),
    )
    in_process = select(ViolenceReport).where(ViolenceReport.process_id == process_id)
    ids = [report["event_id_cnty"] for report in reports if report.get("event_id_cnty")]
    keys = {violence_key(report) for report in reports if not report.get("event_id_cnty")}
    by_id: dict[str, ViolenceReport] = {}
    by_key: dict[tuple, ViolenceReport] = {}
    if ids:
        query = in_process.where(ViolenceReport.event_id_cnty.in_(ids)).options(*loaded)
        by_id = {record.event_id_cnty: record for record in db.session.scalars(query)}
    if keys:
        columns = [getattr(ViolenceReport, name) for name in VIOLENCE_IDENTITY]
        query = (
            in_process.where(ViolenceReport.event_id_cnty.is_(None), tuple_(*columns).in_(keys))
            .options(*loaded)
            .order_by(ViolenceReport.id)
        )
        for record in db.session.scalars(query):
            # Several records may share a key (entered by hand); the oldest one is meant.
            by_key.setdefault(violence_key(vars(record)), record)

    def lookup(values: dict[str, Any]) -> ViolenceReport | None:
        if values.get("event_id_cnty"):
            return by_id.get(values["event_id_cnty"])
        return by_key.get(violence_key(values))

    return lookup


def release_key(values: dict[str, Any]) -> tuple:
    """What a release record is known by: date, kind, count and place."""
    return tuple(values[name] for name in RELEASE_IDENTITY)


def release_lookup(
    commitment_id: int, releases: list[dict[str, Any]]
) -> Callable[[dict[str, Any]], ReleaseRecord | None]:
    """``find_release`` for a chunk of cleaned rows: one query, then dictionary look-ups."""
    keys = {release_key(release) for release in releases}
    by_key: dict[tuple, ReleaseRecord] = {}
    if keys:
        columns = [getattr(ReleaseRecord, name) for name in RELEASE_IDENTITY]
        query = (
            select(ReleaseRecord)
            .where(ReleaseRecord.commitment_id == commitment_id, tuple_(*columns).in_(keys))
            .options(selectinload(ReleaseRecord.sources))
            .order_by(ReleaseRecord.id)
        )
        for record in db.session.scalars(query):
            by_key.setdefault(release_key(vars(record)), record)

    def lookup(values: dict[str, Any]) -> ReleaseRecord | None:
        return by_key.get(release_key(values))

    return lookup
