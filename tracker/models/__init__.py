"""All models, importable from one place: ``from tracker.models import ReleaseRecord``."""

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
    "ReleaseRecord",
    "Revision",
    "Setting",
    "Source",
    "User",
    "ViolenceReport",
]
