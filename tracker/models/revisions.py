"""Pending revisions: the change to a published (or archived) record that waits for review.

A record's own row is its published version: public pages, the API, exports and charts read
it and nothing else. An edit to a published record is kept here, as the full proposed values,
until a second person publishes it; publishing writes the values onto the record's row in one
transaction and deletes the revision. A record has at most one pending revision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.accounts import User
from tracker.models.base import REVIEW_STATUS, Base, VersionedMixin, utcnow, vocabulary


class Revision(VersionedMixin, Base):
    """The proposed next version of one record: its values, the status it asks for, its authors."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # The proposed values, JSON-safe (dates as ISO strings), in the shape the entry forms give.
    values: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # The review status the record takes when this is published (archiving and restoring).
    status: Mapped[str] = mapped_column(
        vocabulary("review_status", REVIEW_STATUS), nullable=False, default="published"
    )
    # The record's version when the revision was started: what the diff is against.
    base_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Everyone who wrote part of it; none of them may publish it while review is required.
    author_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )
    # The import it came from ("violence.csv into afghanistan-2020"), for the review queue.
    batch: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # Warnings the author saw and confirmed, and a reviewer's comment when sent back.
    warnings: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Revision of {self.entity_type} {self.entity_id} -> {self.status}>"
