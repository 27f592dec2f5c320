"""Factories: small records with sensible defaults, added to the current session (not committed)."""

from __future__ import annotations

import itertools
import secrets
from datetime import date

from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    Party,
    PeaceProcess,
    PendingImport,
    ReleaseRecord,
    Source,
    User,
    ViolenceReport,
)

_sequence = itertools.count(1)


def user(email: str, role: str = "researcher", password: str = "", **kwargs) -> User:
    account = User(
        email=email,
        role=role,
        display_name=kwargs.pop("display_name", email.split("@")[0]),
        session_token=secrets.token_hex(16),
        **kwargs,
    )
    if password:
        account.set_password(password)
    db.session.add(account)
    db.session.flush()
    return account


def process(slug: str | None = None, status: str = "published", **kwargs) -> PeaceProcess:
    number = next(_sequence)
    record = PeaceProcess(
        slug=slug or f"process-{number}",
        name=kwargs.pop("name", f"Process {number}"),
        status=status,
        **kwargs,
    )
    db.session.add(record)
    return record


def party(process: PeaceProcess, name: str, kind: str = "other", **kwargs) -> Party:
    record = Party(process=process, name=name, kind=kind, **kwargs)
    db.session.add(record)
    return record


def agreement(
    process: PeaceProcess, key: str = "main", status: str = "published", **kwargs
) -> Agreement:
    record = Agreement(
        process=process,
        key=key,
        title=kwargs.pop("title", "An agreement"),
        signed_on=kwargs.pop("signed_on", date(2020, 2, 29)),
        status=status,
        **kwargs,
    )
    db.session.add(record)
    return record


def commitment(
    agreement: Agreement,
    key: str = "releases",
    target: int | None = 100,
    kind: str = "prisoner_release",
    status: str = "published",
    **kwargs,
) -> Commitment:
    record = Commitment(
        agreement=agreement,
        key=key,
        kind=kind,
        target=target,
        status=status,
        unit=kwargs.pop("unit", "prisoners"),
        description=kwargs.pop("description", "Releases"),
        **kwargs,
    )
    db.session.add(record)
    db.session.flush()
    return record


def release(
    commitment: Commitment,
    on: date,
    count: int,
    kind: str = "batch",
    status: str = "published",
    **kwargs,
) -> ReleaseRecord:
    record = ReleaseRecord(
        commitment_id=commitment.id, date=on, count=count, kind=kind, status=status, **kwargs
    )
    db.session.add(record)
    db.session.flush()
    return record


def violence(
    process: PeaceProcess, on: date, status: str = "published", **kwargs
) -> ViolenceReport:
    db.session.flush()
    record = ViolenceReport(
        process_id=process.id,
        event_date=on,
        status=status,
        event_type=kwargs.pop("event_type", "Battles"),
        sub_event_type=kwargs.pop("sub_event_type", "Armed clash"),
        actor1=kwargs.pop("actor1", "Taliban"),
        location=kwargs.pop("location", "Kabul"),
        fatalities=kwargs.pop("fatalities", 0),
        **kwargs,
    )
    db.session.add(record)
    db.session.flush()
    return record


def source(url: str, publisher: str = "") -> Source:
    record = Source(url=url, publisher=publisher)
    db.session.add(record)
    return record


def small_world(upload_token: str) -> tuple[dict[str, int], dict[str, int | str]]:
    """A published process with one commitment, release and violence report, a researcher's
    pending upload, a researcher and an admin, and a third account to act on; committed.

    Returns the users' ids by role and the ids of the records (``target`` is the third account).
    """
    users = {
        "researcher": user("researcher@example.org").id,
        "admin": user("admin@example.org", role="admin").id,
    }
    target = user("target@example.org").id
    published = process("afghanistan-2020")
    term = commitment(agreement(published))
    batch = release(term, date(2020, 4, 8), 100)
    report = violence(published, date(2020, 4, 9))
    upload = PendingImport(
        token=upload_token,
        user_id=users["researcher"],
        kind="releases",
        target_id=term.id,
        filename="releases.csv",
        content=b"date,count\n2020-04-09,5\n",
        size=24,
    )
    db.session.add(upload)
    db.session.commit()
    ids = {
        "target": target,
        "process": published.id,
        "commitment": term.id,
        "release": batch.id,
        "report": report.id,
        "upload": upload.token,
    }
    return users, ids
