"""Login throttling kept in the database, so the limits hold across gunicorn workers and hosts.

Attempts are counted per account (the email typed, whether or not it exists, so the
throttle says nothing about which emails have accounts) and per client address, before the
password is checked (:func:`reserve_attempt`); a successful login gives its count back. When a
key reaches its limit within the window it is locked for ``LOGIN_LOCKOUT``; a locked key is
refused before the password is even checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.extensions import db
from tracker.models import LoginFailure
from tracker.models.base import utcnow


@dataclass(frozen=True)
class Lockout:
    """A refused login: until when, and how many whole minutes that is from now."""

    until: datetime
    minutes: int

    @property
    def message(self) -> str:
        """What the login page says."""
        unit = "minute" if self.minutes == 1 else "minutes"
        return (
            "Too many failed attempts to log in. "
            f"For your security, try again in {self.minutes} {unit}."
        )


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def throttle_keys(email: str, address: str | None) -> dict[str, int]:
    """The keys a login attempt counts against, with the limit of each."""
    config = current_app.config
    keys = {f"account:{email.strip().lower()[:254]}": config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]}
    if address:
        keys[f"address:{address[:64]}"] = config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    return keys


def current_lockout(email: str, address: str | None) -> Lockout | None:
    """The lockout in force for this email or address, if any (the later one wins)."""
    now = utcnow()
    rows = db.session.scalars(
        select(LoginFailure.locked_until).where(
            LoginFailure.key.in_(throttle_keys(email, address)),
            LoginFailure.locked_until.is_not(None),
        )
    )
    until = max((aware(value) for value in rows), default=None)
    if until is None or until <= now:
        return None
    return Lockout(until, max(1, math.ceil((until - now) / timedelta(minutes=1))))


def reserve_attempt(email: str, address: str | None) -> Lockout | None:
    """Count this login attempt against its keys before any password is checked.

    Each key's check and count are one conditional UPDATE: on PostgreSQL it takes the row's
    lock, and a concurrent attempt waiting on that lock re-reads the row before its own WHERE
    is decided; SQLite lets one writer at a time in. So of any number of parallel attempts, at
    most the limit get through within a window: the attempt that reaches the limit sets the
    lock in the same statement, and every later one finds it. A successful login hands its
    count back (:func:`forgive_attempt`). Returns the lockout when the attempt is refused.
    """
    config = current_app.config
    now = utcnow()
    window_start = now - config["LOGIN_FAILURE_WINDOW"]
    # Start from a fresh transaction, so that on SQLite the first statement is the write.
    db.session.commit()
    for key, limit in throttle_keys(email, address).items():
        _ensure_row(key, now)
        stale = LoginFailure.window_started_at < window_start
        count = case((stale, 1), else_=LoginFailure.failures + 1)
        counted = db.session.execute(
            update(LoginFailure)
            .where(
                LoginFailure.key == key,
                or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until <= now),
            )
            .values(
                failures=count,
                window_started_at=case((stale, now), else_=LoginFailure.window_started_at),
                # Reaching the limit locks the key at once; after an expired lock within the
                # same window, each further attempt renews it.
                locked_until=case((count >= limit, now + config["LOGIN_LOCKOUT"]), else_=None),
            )
        ).rowcount
        if not counted:
            db.session.rollback()  # refused: this attempt counts against no key
            return current_lockout(email, address) or Lockout(now, 1)
    db.session.commit()
    return None


def _ensure_row(key: str, now: datetime) -> None:
    """Create ``key``'s row unless it exists (another worker may be creating it right now)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginFailure)
        .values(key=key, failures=0, window_started_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def forgive_attempt(email: str, address: str | None) -> None:
    """A successful login: the account's failures are forgotten, the address gets its one back."""
    for key, limit in throttle_keys(email, address).items():
        if key.startswith("account:"):
            db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
            continue
        remaining = case((LoginFailure.failures > 0, LoginFailure.failures - 1), else_=0)
        db.session.execute(
            update(LoginFailure)
            .where(LoginFailure.key == key)
            .values(
                failures=remaining,
                locked_until=case((remaining < limit, None), else_=LoginFailure.locked_until),
            )
        )
