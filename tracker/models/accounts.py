"""Accounts, the audit trail and site settings."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.models.base import ROLES, Base, TimestampMixin, VersionedMixin, utcnow, vocabulary


class User(UserMixin, TimestampMixin, VersionedMixin, Base):
    """A researcher or an admin. Viewers need no account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    role: Mapped[str] = mapped_column(
        vocabulary("role", ROLES), nullable=False, default="researcher"
    )
    is_active_account: Mapped[bool] = mapped_column("active", Boolean, nullable=False, default=True)
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    # Part of the login session id: rotating it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), nullable=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def set_password(self, password: str) -> None:
        """Hash and store ``password`` (Werkzeug's scrypt default)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def get_id(self) -> str:
        """The login session id: user id and session token; rotating the token revokes sessions."""
        return f"{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AuditEvent(Base):
    """Who did what to which record when, with the field values before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # {"field": {"before": ..., "after": ...}}; values are JSON-safe (dates as ISO strings).
    changes: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)

    user: Mapped[User | None] = relationship()


Index("ix_audit_events_entity", AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.id)
Index("ix_audit_events_occurred_at", AuditEvent.occurred_at)


class Setting(Base):
    """A site setting an admin can change, such as whether publishing needs a second person."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)
