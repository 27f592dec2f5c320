"""Computed chart data, cached per process under the data version the database holds.

Every INSERT, UPDATE or DELETE that SQLAlchemy runs on a table of the tracked data (forms,
imports, publishing, archiving, the CLI; ORM flushes and Core statements alike) bumps the one
row of ``data_version`` inside the same transaction, once per transaction. A reader takes the
version first and then computes; a result is kept in a bounded in-process LRU keyed on
(version, today, what, process, filters). A write committed by any worker on any host moves
the version, so no process can serve chart data older than the last commit it can see.

A write that bypasses SQLAlchemy statements (a raw driver COPY) must call :func:`bump` itself.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import UpdateBase

from tracker.extensions import db
from tracker.models.versioning import DATA_VERSION_ID, DataVersion

T = TypeVar("T")
# Tables whose writes never change what charts show: bookkeeping, accounts, pending uploads.
UNTRACKED_TABLES = frozenset(
    {
        "alembic_version",
        "audit_events",
        "data_version",
        "login_failures",
        "pending_imports",
        "settings",
        "users",
    }
)
BUMPED = "data_version_bumped"
DATA_VERSION = DataVersion.__table__
VERSION_QUERY = select(DATA_VERSION.c.version).where(DATA_VERSION.c.id == DATA_VERSION_ID)


def bump(connection: Connection) -> None:
    """Move the data version on, in the connection's current transaction."""
    result = connection.execute(
        update(DATA_VERSION)
        .where(DATA_VERSION.c.id == DATA_VERSION_ID)
        .values(version=DATA_VERSION.c.version + 1)
    )
    if result.rowcount == 0:  # the row is gone (a wiped test database): start it again
        connection.execute(insert(DATA_VERSION).values(id=DATA_VERSION_ID, version=1))
    connection.info[BUMPED] = True


def written_table(statement: Any) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, else None."""
    if not isinstance(statement, UpdateBase):
        return None
    table = getattr(statement, "table", None)
    return getattr(table, "name", None)


def _after_execute(connection, statement, multiparams, params, options, result) -> None:
    """Bump the version at the first tracked write of a transaction."""
    if connection.info.get(BUMPED):
        return
    table = written_table(statement)
    if table is not None and table not in UNTRACKED_TABLES:
        bump(connection)


def _transaction_ended(connection, *args) -> None:
    """Commit, rollback or a rolled-back savepoint: the next write bumps again."""
    connection.info.pop(BUMPED, None)


def current_version() -> int:
    """The committed data version this request sees (read once per request)."""
    if "data_version" not in g:
        # A Core statement on the session's connection: no ORM step, on every request.
        version = db.session.connection().scalar(VERSION_QUERY)
        g.data_version = version or 0
    return g.data_version


class LRUCache:
    """A bounded, thread-safe mapping that forgets the least recently used entry first."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """(True, value) when cached, else (False, None)."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return True, self.entries[key]
            self.misses += 1
            return False, None

    def put(self, key: Hashable, value: Any) -> None:
        """Keep a value, dropping the oldest entry when full."""
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self.lock:
            self.entries.clear()


def cached(key: tuple, compute: Callable[[], T], store: str = "chart_cache") -> T:
    """compute(), or its result kept for this data version, today and key."""
    cache = current_app.extensions.get(store) if has_app_context() else None
    if cache is None:
        return compute()
    full_key = (current_version(), date.today(), *key)
    found, value = cache.get(full_key)
    if found:
        return value
    value = compute()
    cache.put(full_key, value)
    return value


def cached_page(key: tuple, render: Callable[[], str]) -> str:
    """A rendered page kept for this data version (a smaller cache: pages weigh more)."""
    return cached(key, render, store="page_cache")


def init_app(app) -> None:
    """Create the app's cache and listen for writes (the listeners once per process)."""
    size = app.config.get("CHART_CACHE_SIZE", 256)
    if size:
        app.extensions["chart_cache"] = LRUCache(size)
    pages = app.config.get("PAGE_CACHE_SIZE", 32)
    if pages:
        app.extensions["page_cache"] = LRUCache(pages)
    if not event.contains(Engine, "after_execute", _after_execute):
        event.listen(Engine, "after_execute", _after_execute)
        for name in ("commit", "rollback", "rollback_savepoint"):
            event.listen(Engine, name, _transaction_ended)
