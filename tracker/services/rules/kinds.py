"""The record kinds researchers enter: their fields, cross-field rules and warnings.

One rule set per record kind: the ``*_FIELDS`` parsers and the ``*_rules`` cross-field checks
below are used by the forms (through :mod:`tracker.services.entry.registry`), the bundle import
and, for release records and violence reports, the CSV imports, so a value is accepted or
refused everywhere with the same message. Field parsers come from
:mod:`tracker.services.rules.fields`.
"""

from __future__ import annotations

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
from tracker.models.base import COMMITMENT_KINDS, PARTY_KINDS
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
        number = fields.record_id(value)
        if number is None or db.session.get(model, number) is None:
            raise fields.FieldError("is not one of the choices")
        return number

    return parse


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


def status_scale(value: Any) -> int:
    """An implementation status on the PAM scale, 0 to 3; required."""
    if fields.is_blank(value):
        raise fields.FieldError("is required; choose 0, 1, 2 or 3")
    return fields.scale(0, 3, None)(value)


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

NOT_A_RELEASE_TERM = "release records belong to prisoner_release commitments only"

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
    if db.session.get(Commitment, clean["commitment_id"]).kind != "prisoner_release":
        errors["commitment_id"] = NOT_A_RELEASE_TERM
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
# Fields by the names of the bundle (and of the model); the forms add their references by id,
# the bundle its references by party name and key.

PROCESS_FIELDS = {
    "slug": fields.slug,
    "name": fields.required_text(200),
    "region": fields.text(200),
    # Names or ISO codes, ";"-separated: imports naming other countries ask for confirmation.
    "countries": fields.text(500),
    "description": fields.text(fields.MAX_NOTES),
}
PARTY_FIELDS = {
    "name": fields.required_text(200),
    "short_name": fields.text(80),
    "kind": fields.choice(PARTY_KINDS, "other"),
}
AGREEMENT_FIELDS = {
    "key": fields.slug,
    "title": fields.required_text(300),
    "signed_on": fields.optional_date,
    "summary": fields.text(fields.MAX_NOTES),
}
COMMITMENT_FIELDS = {
    "key": fields.slug,
    "kind": fields.choice(COMMITMENT_KINDS),
    # A term says what was promised: a bare key and target would be unreadable on the pages.
    "description": fields.required_text(fields.MAX_NOTES),
    "target": fields.optional(fields.integer(1)),
    "target_is_maximum": boolean,
    "unit": fields.text(80),
    # Deadlines and reduction periods may be agreed ahead; baselines lie in the past.
    "deadline": future_date,
    "period_start": future_date,
    "period_end": future_date,
    "baseline_start": fields.optional_date,
    "baseline_end": fields.optional_date,
}
STATUS_CHANGE_FIELDS = {
    "changed_on": fields.parse_date,
    # The PAM value (0-3); a status change's own ``status`` is its review status.
    "pam_status": status_scale,
    "notes": fields.text(fields.MAX_NOTES),
}
MILESTONE_FIELDS = {
    "date": fields.parse_date,
    "end_date": future_date,
    "title": fields.required_text(300),
    "notes": fields.text(fields.MAX_NOTES),
}
SOURCE_FIELDS = {
    "url": fields.url,
    "publisher": fields.publisher,
    "title": fields.source_title,
    "published_on": fields.optional_date,
    "accessed_on": fields.optional_date,
}


def commitment_rules(clean: dict, signed_on: date | None) -> dict[str, str]:
    """A commitment's cross-field rules, whether it comes from a form or a bundle.

    - The deadline is not before the signing: a term due "on signature" has the signing day
      as its deadline (PA-X codes many such terms), so that day itself is allowed.
    - A period and a baseline period end on or after their start.
    - A prisoner release has a target: progress is counted against it.
    """
    errors = {}
    deadline = clean.get("deadline")
    if deadline and signed_on and deadline < signed_on:
        errors["deadline"] = f"must not be before the agreement was signed ({day(signed_on)})"
    for start, end, label in (
        ("period_start", "period_end", "Period"),
        ("baseline_start", "baseline_end", "Baseline period"),
    ):
        if clean.get(start) and clean.get(end) and clean[end] < clean[start]:
            errors[end] = f"{label} end must not be before its start"
    if clean.get("kind") == "prisoner_release" and "target" in clean and not clean["target"]:
        errors["target"] = "is required for a prisoner release (how many, e.g. 5000)"
    return errors


def milestone_rules(clean: dict) -> dict[str, str]:
    """A milestone's end date, when it has one, is not before its date."""
    if clean.get("end_date") and clean.get("date") and clean["end_date"] < clean["date"]:
        return {"end_date": "must not be before the date"}
    return {}


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
    """Parties for a list of submitted ids, in id order (ids that cannot exist are dropped)."""
    numbers = sorted({number for number in map(fields.record_id, ids) if number is not None})
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
    """Unique key, parties of the same process, and :func:`commitment_rules`."""
    agreement = db.session.get(Agreement, clean["agreement_id"])
    errors = commitment_rules(clean, agreement.signed_on)
    if _taken(Commitment, record, agreement_id=agreement.id, key=clean["key"]):
        errors["key"] = "another commitment of this agreement has this key"
    for name in ("obligated_party_id", "beneficiary_party_id"):
        if clean[name] and db.session.get(Party, clean[name]).process_id != agreement.process_id:
            errors[name] = "must be a party of the agreement's process"
    return errors


def check_status_change(clean: dict, record: Any) -> dict[str, str]:
    """Only non-countable terms take a status by hand, and each change needs a source."""
    errors = {}
    if db.session.get(Commitment, clean["commitment_id"]).is_countable:
        errors["commitment_id"] = "is countable: its status follows from the release records"
    if not clean["sources"]:
        errors["sources-0-url"] = "Source URL is required: a status change must cite a source"
    return errors


def check_milestone(clean: dict, record: Any) -> dict[str, str]:
    """See :func:`milestone_rules`."""
    return milestone_rules(clean)


def check_source(clean: dict, record: Any) -> dict[str, str]:
    """A URL is one source, never two."""
    if _taken(Source, record, url=clean["url"]):
        return {"url": "this URL is already a source; edit that one instead"}
    return {}
