"""Login throttling kept in the database, so the limits hold across gunicorn workers and hosts.

Failures are counted per account (the email typed, whether or not it exists, so the
throttle says nothing about which emails have accounts) and per client address. When a key
reaches its limit within the window it is locked for ``LOGIN_LOCKOUT``; a locked key is refused
before the password is even checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

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


def record_failure(email: str, address: str | None) -> Lockout | None:
    """Count a failed login against each key in one atomic UPDATE; lock keys at their limit."""
    config = current_app.config
    now = utcnow()
    window_start = now - config["LOGIN_FAILURE_WINDOW"]
    for key, limit in throttle_keys(email, address).items():
        _increment(key, now, window_start)
        # A lock in force is not extended (attempts while locked are refused before counting);
        # an expired one is renewed when the failures go on within the same window.
        db.session.execute(
            update(LoginFailure)
            .where(
                LoginFailure.key == key,
                LoginFailure.failures >= limit,
                or_(LoginFailure.locked_until.is_(None), LoginFailure.locked_until <= now),
            )
            .values(locked_until=now + config["LOGIN_LOCKOUT"])
        )
    db.session.commit()
    return current_lockout(email, address)


def _increment(key: str, now: datetime, window_start: datetime) -> None:
    """Add one failure to ``key``, starting a new window (and lifting the lock) when stale."""
    stale = LoginFailure.window_started_at < window_start
    statement = (
        update(LoginFailure)
        .where(LoginFailure.key == key)
        .values(
            failures=case((stale, 1), else_=LoginFailure.failures + 1),
            locked_until=case((stale, None), else_=LoginFailure.locked_until),
            window_started_at=case((stale, now), else_=LoginFailure.window_started_at),
        )
    )
    if db.session.execute(statement).rowcount:
        return
    try:
        # A savepoint: if another worker inserted the same key first, count on its row instead.
        with db.session.begin_nested():
            db.session.execute(
                insert(LoginFailure).values(key=key, failures=1, window_started_at=now)
            )
    except IntegrityError:
        db.session.execute(statement)


def clear_account_failures(email: str) -> None:
    """A successful login forgives the account's failures (not the address's)."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.key.in_([f"account:{email.strip().lower()}"]))
    )
