"""Peace processes, their parties, agreements, commitments and milestones."""

from __future__ import annotations

import datetime as dt
from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import (
    COMMITMENT_KINDS,
    PARTY_KINDS,
    REVIEW_STATUS,
    Base,
    ReviewedMixin,
    TimestampMixin,
    VersionedMixin,
    vocabulary,
)
from tracker.models.sources import (
    Source,
    agreement_sources,
    milestone_sources,
    status_change_sources,
)


class PeaceProcess(ReviewedMixin, Base):
    """A named effort between parties; everything else hangs under a process."""

    __tablename__ = "peace_processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    region: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Countries (names or ISO 3166 alpha-3 codes, ";"-separated) whose events belong here:
    # an import naming other countries asks for confirmation.
    countries: Mapped[str] = mapped_column(
        String(500), nullable=False, default="", server_default=""
    )

    parties: Mapped[list[Party]] = relationship(
        back_populates="process", order_by="Party.id", cascade="all, delete-orphan"
    )
    agreements: Mapped[list[Agreement]] = relationship(
        back_populates="process",
        order_by="(Agreement.signed_on, Agreement.id)",
        cascade="all, delete-orphan",
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="process",
        order_by="(Milestone.date, Milestone.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<PeaceProcess {self.slug}>"


class Party(TimestampMixin, VersionedMixin, Base):
    """An actor in a process: a government, an armed group, a mediator, a guarantor."""

    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("process_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("peace_processes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    short_name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    kind: Mapped[str] = mapped_column(
        vocabulary("party_kind", PARTY_KINDS), nullable=False, default="other"
    )

    process: Mapped[PeaceProcess] = relationship(back_populates="parties")

    @property
    def label(self) -> str:
        """The short name where there is one, for charts and tables."""
        return self.short_name or self.name

    def __repr__(self) -> str:
        return f"<Party {self.name}>"


agreement_signatories = Table(
    "agreement_signatories",
    Base.metadata,
    Column("agreement_id", ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True),
    Column("party_id", ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True),
)


class Agreement(ReviewedMixin, Base):
    """A signed document of a process; its terms are commitments."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("process_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("peace_processes.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    signed_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The agreement's id in the PA-X database when it was imported from there.
    pax_id: Mapped[int | None] = mapped_column(Integer)

    process: Mapped[PeaceProcess] = relationship(back_populates="agreements")
    signatories: Mapped[list[Party]] = relationship(
        secondary=agreement_signatories, order_by="Party.id"
    )
    sources: Mapped[list[Source]] = relationship(secondary=agreement_sources, order_by="Source.id")
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="agreement", order_by="Commitment.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Agreement {self.key}>"


class Commitment(ReviewedMixin, Base):
    """A term of an agreement: who must do what for whom by when."""

    __tablename__ = "commitments"
    __table_args__ = (
        UniqueConstraint("agreement_id", "key"),
        CheckConstraint("target IS NULL OR target > 0", name="target_positive"),
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_ordered",
        ),
        CheckConstraint(
            "baseline_end IS NULL OR baseline_start IS NULL OR baseline_end >= baseline_start",
            name="baseline_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    key: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(
        vocabulary("commitment_kind", COMMITMENT_KINDS), nullable=False
    )
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    obligated_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL")
    )
    beneficiary_party_id: Mapped[int | None] = mapped_column(
        ForeignKey("parties.id", ondelete="SET NULL")
    )
    target: Mapped[int | None] = mapped_column(Integer)
    target_is_maximum: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    unit: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    baseline_start: Mapped[date | None] = mapped_column(Date)
    baseline_end: Mapped[date | None] = mapped_column(Date)

    agreement: Mapped[Agreement] = relationship(back_populates="commitments")
    obligated_party: Mapped[Party | None] = relationship(foreign_keys=[obligated_party_id])
    beneficiary_party: Mapped[Party | None] = relationship(foreign_keys=[beneficiary_party_id])
    status_changes: Mapped[list[CommitmentStatusChange]] = relationship(
        back_populates="commitment",
        order_by="(CommitmentStatusChange.changed_on, CommitmentStatusChange.id)",
        cascade="all, delete-orphan",
    )

    @property
    def is_countable(self) -> bool:
        """A term with a numeric target whose status follows from recorded progress."""
        return self.kind == "prisoner_release" and self.target is not None

    def __repr__(self) -> str:
        return f"<Commitment {self.key}>"


class CommitmentStatusChange(ReviewedMixin, Base):
    """A dated, sourced Peace Accords Matrix status (0-3) of a non-countable term.

    It moves a public figure (the agreement's implementation score), so it is reviewed like
    the other records. Its ``status`` attribute is the review status, as on every reviewed
    record; the PAM value is ``pam_status``. In the table (and in bundles) the PAM value keeps
    the column name ``status`` and the review status is ``review_status``.
    """

    __tablename__ = "commitment_status_changes"
    __table_args__ = (CheckConstraint("status BETWEEN 0 AND 3", name="pam_scale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False
    )
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    pam_status: Mapped[int] = mapped_column("status", Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(
        "review_status",
        vocabulary("review_status", REVIEW_STATUS),
        nullable=False,
        default="under_review",
    )

    commitment: Mapped[Commitment] = relationship(back_populates="status_changes")
    sources: Mapped[list[Source]] = relationship(
        secondary=status_change_sources, order_by="Source.id"
    )


Index(
    "ix_commitment_status_changes_commitment_date",
    CommitmentStatusChange.commitment_id,
    CommitmentStatusChange.changed_on,
)


class Milestone(ReviewedMixin, Base):
    """A dated event of a process that charts mark: a signing, a deadline, a ceasefire week."""

    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("peace_processes.id", ondelete="CASCADE"), nullable=False
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    process: Mapped[PeaceProcess] = relationship(back_populates="milestones")
    sources: Mapped[list[Source]] = relationship(secondary=milestone_sources, order_by="Source.id")


Index("ix_milestones_process_date", Milestone.process_id, Milestone.date)
