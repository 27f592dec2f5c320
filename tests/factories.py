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
