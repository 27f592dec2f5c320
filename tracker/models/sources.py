"""Sources: the publications behind every figure, and their links to records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, TimestampMixin, VersionedMixin


class Source(TimestampMixin, VersionedMixin, Base):
    """A publication that backs records; reused by URL, never duplicated."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False, unique=True)
    publisher: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    title: Mapped[str] = mapped_column(Text, nullable=False, default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    accessed_on: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<Source {self.url}>"


def source_link_table(name: str, record_table: str) -> Table:
    """A many-to-many link table between ``record_table`` and sources."""
    record_column = f"{record_table.rstrip('s')}_id"
    return Table(
        name,
        Base.metadata,
        Column(
            record_column,
            ForeignKey(f"{record_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("source_id", ForeignKey("sources.id", ondelete="RESTRICT"), primary_key=True),
    )


agreement_sources = source_link_table("agreement_sources", "agreements")
status_change_sources = source_link_table(
    "commitment_status_change_sources", "commitment_status_changes"
)
release_record_sources = source_link_table("release_record_sources", "release_records")
violence_report_sources = source_link_table("violence_report_sources", "violence_reports")
claim_sources = source_link_table("claim_sources", "claims")
milestone_sources = source_link_table("milestone_sources", "milestones")
