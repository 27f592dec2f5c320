"""Login throttling state, kept in the database so every worker and host sees the same counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


class LoginFailure(Base):
    """Failed logins for one key ("account:<email>" or "address:<client address>") in a window."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # Set when the failures reach the limit; logins for this key are refused until then.
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<LoginFailure {self.key} {self.failures}>"
