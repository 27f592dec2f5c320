"""Declarative base, constraint naming convention, vocabularies and shared column mixins."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; its metadata names constraints so migrations stay stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The largest id an Integer primary key can hold on PostgreSQL; larger ones cannot exist.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC)


# Vocabularies of DOMAIN.md. Stored as strings with a CHECK constraint, so the same
# schema works on SQLite and PostgreSQL.
VERIFICATION = ("reported", "corroborated", "confirmed", "disputed")
REVIEW_STATUS = ("under_review", "published", "archived")
PARTY_KINDS = ("government", "armed_group", "mediator", "guarantor", "other")
COMMITMENT_KINDS = ("prisoner_release", "violence_reduction", "other")
RELEASE_KINDS = ("batch", "cumulative")
DATE_PRECISION = ("day", "week", "month")
CLAIM_STANCES = ("claimed", "denied")
ROLES = ("researcher", "admin")
PAM_STATUS_LABELS = {0: "not initiated", 1: "minimal", 2: "intermediate", 3: "full"}
# ACLED's time_precision and geo_precision scales, in words.
TIME_PRECISION_LABELS = {1: "exact day", 2: "within a week", 3: "within a month"}
GEO_PRECISION_LABELS = {1: "the place itself", 2: "near it", 3: "province"}

ACLED_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
ACLED_SUB_EVENT_TYPES = tuple(sub for subs in ACLED_EVENT_TYPES.values() for sub in subs)


def vocabulary(name: str, values: tuple[str, ...], length: int = 32) -> Enum:
    """A string column type limited to ``values`` by a named CHECK constraint."""
    return Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
    )


class VersionedMixin:
    """A version counter for optimistic locking: a stale save raises ``StaleDataError``."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - SQLAlchemy's declared_attr signature
        return {"version_id_col": cls.__table__.c.version}


class TimestampMixin:
    """Creation and last-update times, set by the ORM."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow
    )


class ReviewedMixin(TimestampMixin, VersionedMixin):
    """A record that researchers enter: review status, author, timestamps and a version."""

    status: Mapped[str] = mapped_column(
        vocabulary("review_status", REVIEW_STATUS), nullable=False, default="under_review"
    )

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    # The label of the import a draft came from, NULL when entered by hand: the review queue
    # groups and counts drafts by it in SQL. Bookkeeping, kept out of audit events and revisions.
    import_batch: Mapped[str | None] = mapped_column(String(300), nullable=True)


class EvidenceMixin(ReviewedMixin):
    """A record that reports a figure: it also carries a verification status."""

    verification: Mapped[str] = mapped_column(
        vocabulary("verification", VERIFICATION), nullable=False, default="reported"
    )


def non_negative(column: str) -> CheckConstraint:
    """A named CHECK constraint that ``column`` is NULL or at least zero."""
    return CheckConstraint(f"{column} IS NULL OR {column} >= 0", name=f"{column}_non_negative")
