"""Evidence of implementation: release records, violence reports and responsibility claims."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import (
    ACLED_EVENT_TYPES,
    ACLED_SUB_EVENT_TYPES,
    CLAIM_STANCES,
    DATE_PRECISION,
    RELEASE_KINDS,
    Base,
    EvidenceMixin,
    TimestampMixin,
    VersionedMixin,
    non_negative,
    vocabulary,
)
from tracker.models.process import Commitment, PeaceProcess
from tracker.models.sources import (
    Source,
    claim_sources,
    release_record_sources,
    violence_report_sources,
)


class ReleaseRecord(EvidenceMixin, Base):
    """Progress on a prisoner-release commitment: a batch, or a reported running total."""

    __tablename__ = "release_records"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count_non_negative"),
        CheckConstraint("count_low IS NULL OR count_low <= count", name="low_at_most_count"),
        CheckConstraint("count_high IS NULL OR count_high >= count", name="high_at_least_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(
        vocabulary("release_kind", RELEASE_KINDS), nullable=False, default="batch"
    )
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    date_precision: Mapped[str] = mapped_column(
        vocabulary("date_precision", DATE_PRECISION), nullable=False, default="day"
    )
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    count_low: Mapped[int | None] = mapped_column(Integer)
    count_high: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    commitment: Mapped[Commitment] = relationship()
    sources: Mapped[list[Source]] = relationship(
        secondary=release_record_sources, order_by="Source.id"
    )

    def __repr__(self) -> str:
        return f"<ReleaseRecord {self.kind} {self.count} on {self.date}>"


Index(
    "ix_release_records_commitment_date",
    ReleaseRecord.commitment_id,
    ReleaseRecord.status,
    ReleaseRecord.date,
)


class ViolenceReport(EvidenceMixin, Base):
    """One incident, with ACLED's fields, our low/high estimates and injuries, and claims."""

    __tablename__ = "violence_reports"
    __table_args__ = (
        UniqueConstraint("process_id", "event_id_cnty"),
        non_negative("fatalities"),
        non_negative("fatalities_low"),
        non_negative("fatalities_high"),
        non_negative("injuries"),
        CheckConstraint("time_precision BETWEEN 1 AND 3", name="time_precision_scale"),
        CheckConstraint(
            "geo_precision IS NULL OR geo_precision BETWEEN 1 AND 3", name="geo_precision_scale"
        ),
        CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"
        ),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name="longitude_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("peace_processes.id", ondelete="CASCADE"), nullable=False
    )
    event_id_cnty: Mapped[str | None] = mapped_column(String(64))
    event_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    time_precision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    event_type: Mapped[str] = mapped_column(
        vocabulary("event_type", tuple(ACLED_EVENT_TYPES), length=64), nullable=False
    )
    sub_event_type: Mapped[str | None] = mapped_column(
        vocabulary("sub_event_type", ACLED_SUB_EVENT_TYPES, length=64)
    )
    actor1: Mapped[str] = mapped_column(String(300), nullable=False)
    assoc_actor_1: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    actor2: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    assoc_actor_2: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    country: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    admin1: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    admin2: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    location: Mapped[str] = mapped_column(String(200), nullable=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_scale: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fatalities: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    injuries: Mapped[int | None] = mapped_column(Integer)
    # ACLED columns kept as the file gives them (ACLED changed their codes over the years, so
    # they stay text), the event type as an older ACLED file or UCDP coded it, and the data set
    # each report came from with its licence (UCDP's CC BY 4.0 asks pages to cite it).
    disorder_type: Mapped[str] = mapped_column(
        String(100), nullable=False, default="", server_default=""
    )
    civilian_targeting: Mapped[str] = mapped_column(
        String(100), nullable=False, default="", server_default=""
    )
    inter1: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    inter2: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    interaction: Mapped[str] = mapped_column(
        String(100), nullable=False, default="", server_default=""
    )
    admin3: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    iso: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    iso3: Mapped[str] = mapped_column(String(3), nullable=False, default="", server_default="")
    region: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    tags: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    timestamp: Mapped[str] = mapped_column(
        String(20), nullable=False, default="", server_default=""
    )
    original_event_type: Mapped[str] = mapped_column(
        String(100), nullable=False, default="", server_default=""
    )
    type_of_violence: Mapped[int | None] = mapped_column(Integer)
    dataset: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    licence: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")
    # A hash of the import row the report was last written from (values, sources, claims);
    # NULL once anything else changes it, so a re-import compares that report for real.
    fingerprint: Mapped[str | None] = mapped_column(String(32))

    process: Mapped[PeaceProcess] = relationship()
    sources: Mapped[list[Source]] = relationship(
        secondary=violence_report_sources, order_by="Source.id"
    )
    claims: Mapped[list[Claim]] = relationship(
        back_populates="report",
        order_by="Claim.id",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<ViolenceReport {self.event_id_cnty or self.id} {self.event_date}>"


# Lists in date order (the list API's pages, the export) and the caption counts read ids from
# this index alone; ix_violence_reports_process_date (without id) gave way to it in i13.
Index(
    "ix_violence_reports_list",
    ViolenceReport.process_id,
    ViolenceReport.status,
    ViolenceReport.event_date,
    ViolenceReport.id,
)
Index("ix_violence_reports_process_type", ViolenceReport.process_id, ViolenceReport.event_type)
# An import finds reports without an event id by date, place, type and first actor (migration
# i15): without this index PostgreSQL, whose statistics still say "empty" while a first import
# fills the table, scanned every report of the process per chunk.
Index(
    "ix_violence_reports_keyless",
    ViolenceReport.process_id,
    ViolenceReport.event_date,
    ViolenceReport.location,
    ViolenceReport.event_type,
    ViolenceReport.actor1,
    postgresql_where=ViolenceReport.event_id_cnty.is_(None),
    sqlite_where=ViolenceReport.event_id_cnty.is_(None),
)


class Claim(TimestampMixin, VersionedMixin, Base):
    """An actor's claim of, or denial of, responsibility for a violence report."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    violence_report_id: Mapped[int] = mapped_column(
        ForeignKey("violence_reports.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor: Mapped[str] = mapped_column(String(300), nullable=False)
    stance: Mapped[str] = mapped_column(vocabulary("claim_stance", CLAIM_STANCES), nullable=False)
    stated_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")

    report: Mapped[ViolenceReport] = relationship(back_populates="claims")
    sources: Mapped[list[Source]] = relationship(secondary=claim_sources, order_by="Source.id")


# Chosen from the query plans at 100,000 reports (migration i13_data_version_indexes): counts
# per day and type, caption counts and the list API read this index alone; the actor filter's
# list of perpetrators reads the second in order.
Index(
    "ix_violence_reports_daily",
    ViolenceReport.process_id,
    ViolenceReport.status,
    ViolenceReport.event_date,
    ViolenceReport.event_type,
    ViolenceReport.fatalities,
)
Index(
    "ix_violence_reports_actor1",
    ViolenceReport.process_id,
    ViolenceReport.status,
    ViolenceReport.actor1,
)
