"""Account management for admins: create, change role, deactivate, reactivate, reset password.

The rules live here so every path (pages, CLI, tests) obeys them: the last active admin can
be neither demoted nor deactivated, and each change that alters what a user may do rotates the
user's session token, which ends their sessions at once. Changes are audited by the after_flush
listener of :mod:`tracker.services.entry.audit`, under a named action.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, User
from tracker.models.base import ROLES
from tracker.services.accounts.passwords import temporary_password
from tracker.services.entry.audit import audit_context

LAST_ADMIN = (
    "This is the last active admin account. Make another user an admin first, "
    "so someone can still manage accounts."
)


class AccountError(ValueError):
    """A change the account rules refuse; the message says why."""


def all_users() -> list[User]:
    """Every account: active ones first, then by email."""
    order = (User.is_active_account.desc(), User.email)
    return list(db.session.scalars(select(User).order_by(*order)))


def _other_active_admins(user: User) -> int:
    """How many active admins there are besides ``user``, locking their rows where supported.

    ``FOR UPDATE`` makes two admins demoting each other at once queue up on PostgreSQL;
    SQLite runs one writer at a time anyway.
    """
    rows = db.session.scalars(
        select(User.id)
        .where(User.role == "admin", User.is_active_account.is_(True), User.id != user.id)
        .with_for_update()
    )
    return len(list(rows))


def _rotate(user: User) -> None:
    """A new session token: every session of ``user`` ends (the login loader checks it)."""
    user.session_token = secrets.token_hex(16)


def create_user(email: str, display_name: str, role: str) -> tuple[User, str]:
    """Create an account with a temporary password that must be changed at the first login."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"There is already an account with the email {email}.")
    password = temporary_password()
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        session_token=secrets.token_hex(16),
        must_change_password=True,
    )
    user.set_password(password)
    with audit_context(db.session, action="create"):
        db.session.add(user)
        db.session.commit()
    return user, password


def change_role(user: User, role: str) -> bool:
    """Give ``user`` another role; False when it already had it."""
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}.")
    if user.role == role:
        return False
    if user.role == "admin" and user.is_active and _other_active_admins(user) == 0:
        db.session.rollback()
        raise AccountError(LAST_ADMIN)
    with audit_context(db.session, action="role_change"):
        user.role = role
        _rotate(user)
        db.session.commit()
    return True


def deactivate(user: User, acting_user: User) -> None:
    """Deactivate an account; its sessions end at once."""
    if user.id == acting_user.id:
        raise AccountError("You cannot deactivate your own account.")
    if not user.is_active:
        return
    if user.role == "admin" and _other_active_admins(user) == 0:
        db.session.rollback()
        raise AccountError(LAST_ADMIN)
    with audit_context(db.session, action="deactivate"):
        user.is_active_account = False
        _rotate(user)
        db.session.commit()


def reactivate(user: User) -> None:
    """Let a deactivated account log in again (with its old password)."""
    if user.is_active:
        return
    with audit_context(db.session, action="reactivate"):
        user.is_active_account = True
        db.session.commit()


def reset_password(user: User) -> str:
    """Give ``user`` a temporary password, to be changed at the next login; end its sessions."""
    password = temporary_password()
    with audit_context(db.session, action="password_reset"):
        user.set_password(password)
        user.must_change_password = True
        _rotate(user)
        db.session.commit()
    return password


def account_history(user: User, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events about this account, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
