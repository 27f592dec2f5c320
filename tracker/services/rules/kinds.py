"""The record kinds researchers enter: their fields, cross-field rules and warnings.

Field parsers come from :mod:`tracker.services.rules.fields` so a form, a CSV row and a bundle
accept and refuse the same values with the same messages.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    Agreement,
    Commitment,
    Party,
    PeaceProcess,
    ReleaseRecord,
    Source,
    ViolenceReport,
)
from tracker.services.entry.save import Warning
from tracker.services.figures.progress import ALL_CURRENT, progress_on
from tracker.services.rules import fields


def reference(model: type, required: bool = True):
    """A parser for the id of an existing ``model`` row (a select's value)."""

    def parse(value: Any) -> int | None:
        if fields.is_blank(value):
            if required:
                raise fields.FieldError("is required; choose one")
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise fields.FieldError("is not one of the choices") from None
        if db.session.get(model, number) is None:
            raise fields.FieldError("is not one of the choices")
        return number

    return parse


def key(value: Any) -> str:
    """A short identifier: lower-case letters, digits and hyphens (a slug or a bundle key)."""
    cleaned = fields.required_text(80)(value).lower()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cleaned):
        raise fields.FieldError("may use only letters a-z, digits and single hyphens")
    return cleaned


def boolean(value: Any) -> bool:
    """A checkbox: ticked or not."""
    return bool(value) and value not in ("0", "false", "n", "")


def required(parser, example: str):
    """Wrap a parser so a blank value says it is required (with an example)."""

    def parse(value: Any) -> Any:
        if fields.is_blank(value):
            raise fields.FieldError(f"is required, for example {example}")
        return parser(value)

    return parse


def future_date(value: Any) -> date | None:
    """An optional date that may lie ahead (deadlines, planned periods)."""
    return None if fields.is_blank(value) else fields.parse_date(value, allow_future=True)


def day(value: date) -> str:
    """2020-02-01 -> "1 Feb 2020", as the pages write dates."""
    return f"{value.day} {value:%b %Y}"


def _taken(model: type, record: Any, **where: Any) -> bool:
    """True when another row of ``model`` has these values."""
    query = select(model.id).filter_by(**where)
    if record is not None:
        query = query.where(model.id != record.id)
    return db.session.scalar(query.limit(1)) is not None


# --- Release records ---------------------------------------------------------------------

RELEASE_PARSERS = {
    "commitment_id": reference(Commitment),
    **{
        name: parser
        for name, parser in fields.RELEASE_FIELDS.items()
        if name not in ("source_url", "source_name")
    },
    "count": required(fields.integer(1), "100"),
}


def check_release(clean: dict, record: Any) -> dict[str, str]:
    """low <= count <= high, and the commitment must be a prisoner release."""
    errors = fields.check_range(
        clean["count_low"],
        clean["count"],
        clean["count_high"],
        ("count_low", "count", "count_high"),
    )
    errors = {
        name: message.replace("count_low", "Low estimate").replace("count_high", "High estimate")
        for name, message in errors.items()
    }
    if db.session.get(Commitment, clean["commitment_id"]).kind != "prisoner_release":
        errors["commitment_id"] = "must be a prisoner release commitment"
    return errors


def warn_release(clean: dict, record: Any) -> list[Warning]:
    """Before the signing; a running total below an earlier one; past an "up to" target."""
    commitment = db.session.get(Commitment, clean["commitment_id"])
    warnings = []
    signed = commitment.agreement.signed_on
    if signed and clean["date"] < signed:
        warnings.append(
            Warning(
                f"The release is dated {day(clean['date'])}, before the agreement was "
                f"signed on {day(signed)}."
            )
        )
    others = select(ReleaseRecord).where(
        ReleaseRecord.commitment_id == commitment.id, ReleaseRecord.status.in_(ALL_CURRENT)
    )
    if record is not None:
        others = others.where(ReleaseRecord.id != record.id)
    if clean["kind"] == "cumulative":
        higher = db.session.scalars(
            others.where(
                ReleaseRecord.kind == "cumulative",
                ReleaseRecord.date < clean["date"],
                ReleaseRecord.count > clean["count"],
            ).order_by(ReleaseRecord.date)
        ).first()
        if higher:
            warnings.append(
                Warning(
                    f"The running total {clean['count']:,} is lower than the total of "
                    f"{higher.count:,} reported earlier, on {day(higher.date)}.",
                    ("release", higher.id),
                )
            )
    if commitment.target_is_maximum and commitment.target:
        achieved = progress_on(commitment, date.max, ALL_CURRENT)
        if clean["kind"] == "batch":
            old = record.count if record is not None and record.kind == "batch" else 0
            after = achieved - old + clean["count"]
        else:
            after = max(achieved, clean["count"])
        if after > commitment.target:
            warnings.append(
                Warning(
                    f"This would take progress to {after:,}, past the target of up to "
                    f"{commitment.target:,} {commitment.unit}."
                )
            )
    return warnings


# --- Violence reports --------------------------------------------------------------------

VIOLENCE_PARSERS = {
    "process_id": reference(PeaceProcess),
    **{
        name: parser
        for name, parser in fields.VIOLENCE_FIELDS.items()
        if name not in ("claimed_by", "denied_by", "source_url", "source", "source_scale")
    },
    "fatalities": required(fields.integer(0), "0 or 3"),
    # Blank optional codes are stored as NULL (the external id is unique per process).
    "event_id_cnty": fields.optional(fields.text(64)),
    "sub_event_type": fields.optional(fields.text(64)),
}


def check_violence(clean: dict, record: Any) -> dict[str, str]:
    """The ACLED rules of fields.parse_violence, and a unique external id per process."""
    _, errors = fields.parse_violence(clean)
    errors = {name: message for name, message in errors.items() if name in VIOLENCE_PARSERS}
    if clean["event_id_cnty"] and _taken(
        ViolenceReport, record, process_id=clean["process_id"], event_id_cnty=clean["event_id_cnty"]
    ):
        errors["event_id_cnty"] = f"{clean['event_id_cnty']!r} is already used in this process"
    return errors


def warn_violence(clean: dict, record: Any) -> list[Warning]:
    """A report with the same date, place and event type may be a duplicate."""
    query = select(ViolenceReport).where(
        ViolenceReport.process_id == clean["process_id"],
        ViolenceReport.event_date == clean["event_date"],
        ViolenceReport.event_type == clean["event_type"],
        func.lower(ViolenceReport.location) == clean["location"].lower(),
        ViolenceReport.status.in_(ALL_CURRENT),
    )
    if record is not None:
        query = query.where(ViolenceReport.id != record.id)
    return [
        Warning(
            f"Possible duplicate: a report of {other.event_type} in {other.location} on "
            f"{day(other.event_date)} already exists ({other.actor1}, "
            f"{other.fatalities} fatalities).",
            ("violence", other.id),
        )
        for other in db.session.scalars(query.order_by(ViolenceReport.id).limit(5))
    ]


# --- Processes, parties, agreements, commitments, status changes, milestones, sources ----


def check_process(clean: dict, record: Any) -> dict[str, str]:
    """Slugs are unique."""
    if _taken(PeaceProcess, record, slug=clean["slug"]):
        return {"slug": f"{clean['slug']!r} is already the slug of another process"}
    return {}


def check_party(clean: dict, record: Any) -> dict[str, str]:
    """Party names are unique within a process."""
    if _taken(Party, record, process_id=clean["process_id"], name=clean["name"]):
        return {"name": "another party of this process has this name"}
    return {}


def parties_by_id(ids: list) -> list[Party]:
    """Parties for a list of submitted ids, in id order."""
    numbers = sorted({int(i) for i in ids if str(i).isdigit()})
    return list(db.session.scalars(select(Party).where(Party.id.in_(numbers)).order_by(Party.id)))


def check_agreement(clean: dict, record: Any) -> dict[str, str]:
    """Keys are unique within a process; signatories are parties of that process."""
    errors = {}
    if _taken(Agreement, record, process_id=clean["process_id"], key=clean["key"]):
        errors["key"] = "another agreement of this process has this key"
    chosen = parties_by_id(clean["signatories"])
    if len(chosen) != len(set(map(str, clean["signatories"]))) or any(
        party.process_id != clean["process_id"] for party in chosen
    ):
        errors["signatories"] = "must be parties of the agreement's process"
    return errors


def check_commitment(clean: dict, record: Any) -> dict[str, str]:
    """Unique key, parties of the same process, a deadline after the signing, ordered periods."""
    errors = {}
    agreement = db.session.get(Agreement, clean["agreement_id"])
    if _taken(Commitment, record, agreement_id=agreement.id, key=clean["key"]):
        errors["key"] = "another commitment of this agreement has this key"
    for name in ("obligated_party_id", "beneficiary_party_id"):
        if clean[name] and db.session.get(Party, clean[name]).process_id != agreement.process_id:
            errors[name] = "must be a party of the agreement's process"
    if clean["deadline"] and agreement.signed_on and clean["deadline"] <= agreement.signed_on:
        errors["deadline"] = f"must be after the agreement was signed ({day(agreement.signed_on)})"
    for start, end, label in (
        ("period_start", "period_end", "Period"),
        ("baseline_start", "baseline_end", "Baseline period"),
    ):
        if clean[start] and clean[end] and clean[end] < clean[start]:
            errors[end] = f"{label} end must not be before its start"
    if clean["kind"] == "prisoner_release" and not clean["target"]:
        errors["target"] = "is required for a prisoner release (how many, e.g. 5000)"
    return errors


def check_status_change(clean: dict, record: Any) -> dict[str, str]:
    """Only non-countable terms take a status by hand, and each change needs a source."""
    errors = {}
    if clean["status"] is None:
        errors["status"] = "is required; choose 0, 1, 2 or 3"
    if db.session.get(Commitment, clean["commitment_id"]).is_countable:
        errors["commitment_id"] = "is countable: its status follows from the release records"
    if not clean["sources"]:
        errors["sources-0-url"] = "Source URL is required: a status change must cite a source"
    return errors


def check_milestone(clean: dict, record: Any) -> dict[str, str]:
    """An end date is not before the start."""
    if clean["end_date"] and clean["end_date"] < clean["date"]:
        return {"end_date": "must not be before the date"}
    return {}


def check_source(clean: dict, record: Any) -> dict[str, str]:
    """A URL is one source, never two."""
    if _taken(Source, record, url=clean["url"]):
        return {"url": "this URL is already a source; edit that one instead"}
    return {}
