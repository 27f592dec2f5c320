"""All models, importable from one place: ``from tracker.models import ReleaseRecord``."""

from sqlalchemy import Index

from tracker.models.accounts import AuditEvent, Setting, User
from tracker.models.base import Base
from tracker.models.evidence import Claim, ReleaseRecord, ViolenceReport
from tracker.models.imports import PendingImport
from tracker.models.process import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
    PeaceProcess,
)
from tracker.models.revisions import Revision
from tracker.models.security import LoginFailure
from tracker.models.sources import Source
from tracker.models.versioning import DataVersion

REVIEWED_MODELS = (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    PeaceProcess,
    ReleaseRecord,
    ViolenceReport,
)
# Drafts waiting for review, by import and age: the queue pages and counts them in SQL
# (partial indexes, so published records, the bulk of every table, cost nothing).
for _model in REVIEWED_MODELS:
    Index(
        f"ix_{_model.__tablename__}_waiting",
        _model.import_batch,
        _model.updated_at,
        _model.id,
        postgresql_where=_model.status == "under_review",
        sqlite_where=_model.status == "under_review",
    )

__all__ = [
    "Agreement",
    "AuditEvent",
    "Base",
    "Claim",
    "Commitment",
    "CommitmentStatusChange",
    "DataVersion",
    "LoginFailure",
    "Milestone",
    "Party",
    "PeaceProcess",
    "PendingImport",
    "REVIEWED_MODELS",
    "ReleaseRecord",
    "Revision",
    "Setting",
    "Source",
    "User",
    "ViolenceReport",
]
