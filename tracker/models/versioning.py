"""The data version: one counter that every write to the published data's tables bumps.

Computed chart data is cached under this number (see ``tracker.services.dashboard.cache``).
It lives in the database, in the same transaction as the write, so every worker and every host
sees a change the moment it commits, and never before.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base

# The one row of the table.
DATA_VERSION_ID = 1


class DataVersion(Base):
    """A single row (id 1) holding a counter that only grows."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    def __repr__(self) -> str:
        return f"<DataVersion {self.version}>"
