"""A record's history from its audit events: readable diffs, past versions, one-click restore.

Audit events (written by :mod:`tracker.services.entry.audit`) carry each field's value before and
after. Replaying them from the creation gives the record as it was after any event; restoring
writes those values back through the entry service, so the restore is itself audited.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, select

from tracker.extensions import db
from tracker.models import Agreement, AuditEvent, Commitment, Party, PeaceProcess
from tracker.models.base import GEO_PRECISION_LABELS, PAM_STATUS_LABELS, TIME_PRECISION_LABELS
from tracker.services.entry import save as entry
from tracker.services.entry import trail
from tracker.services.entry.audit import audit_context
from tracker.services.entry.save import Kind, Outcome

# Never restored: the review status has its own workflow, the author stays the author.
NOT_RESTORED = {"id", "status", "created_by_id"}
# Changes proposed in a pending revision: not (yet) the record's stored values.
PROPOSALS = trail.PROPOSALS
# Not shown in diffs: the event itself says who and which record.
NOT_SHOWN = {"id", "created_by_id"}
ACTION_LABELS = {
    "create": "Created",
    "update": "Edited",
    "publish": "Published",
    "archive": "Archived",
    "restore": "Restored from the archive",
    "revert": "Earlier version restored",
    "revise": "Change proposed for review",
    "import": "Imported",
    "delete": "Deleted",
}
FIELD_LABELS = {
    "commitment_id": "commitment",
    "process_id": "process",
    "agreement_id": "agreement",
    "count_low": "low estimate",
    "count_high": "high estimate",
    "event_id_cnty": "event id",
    "actor1": "actor 1",
    "actor2": "actor 2",
    "assoc_actor_1": "associated actor 1",
    "assoc_actor_2": "associated actor 2",
    "admin1": "province (admin1)",
    "admin2": "district (admin2)",
    "stated_on": "date",
    "obligated_party_id": "obligated party",
    "beneficiary_party_id": "beneficiary party",
    "batch": "import batch",
    "pam_status": "implementation status",
}
# Stored codes shown in words.
VALUE_LABELS: dict[str, dict[Any, str]] = {
    "time_precision": TIME_PRECISION_LABELS,
    "geo_precision": GEO_PRECISION_LABELS,
    "status": {"under_review": "under review"},
    "pam_status": PAM_STATUS_LABELS,
    "kind": {"cumulative": "running total", "prisoner_release": "prisoner release"},
}
# Ids of other records, shown by name: (model, the attribute that names it).
REFERENCES: dict[str, tuple[type, str]] = {
    "process_id": (PeaceProcess, "name"),
    "agreement_id": (Agreement, "title"),
    "commitment_id": (Commitment, "description"),
    "obligated_party_id": (Party, "name"),
    "beneficiary_party_id": (Party, "name"),
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one event, as a reader sees it."""

    field: str
    before: str
    after: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def action_label(action: str) -> str:
    """ "Edited", "Published": an audit action as a heading."""
    return ACTION_LABELS.get(action, action.capitalize())


def label(name: str) -> str:
    """A field name as people read it."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


def show(value: Any) -> str:
    """A stored value as text; blanks are shown as a dash."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, dict):
        return describe_claim(value)
    if isinstance(value, list):
        return "; ".join(show(item) for item in value)
    return str(value)


def describe_claim(claim: dict) -> str:
    """ "ISIS-K claimed (2020-04-09, https://...)"."""
    # Audit snapshots name the date stated_on and carry one URL; revisions follow the claim
    # rules (date, a list of URLs).
    urls = claim.get("source_url")
    urls = "; ".join(urls) if isinstance(urls, list) else urls
    details = ", ".join(v for v in (claim.get("stated_on") or claim.get("date"), urls) if v)
    return f"{claim.get('actor')} {claim.get('stance')}" + (f" ({details})" if details else "")


def in_words(name: str, value: Any) -> Any:
    """A stored code or id as a reader knows it: "exact day", "Afghanistan 2020 (no. 1)"."""
    if value is None or isinstance(value, (list, dict, bool)):
        return value
    if name in VALUE_LABELS:
        return VALUE_LABELS[name].get(value, value)
    if name in REFERENCES:
        model, attribute = REFERENCES[name]
        record = db.session.get(model, value) if isinstance(value, int) else None
        return f"{getattr(record, attribute)[:80]} (no. {value})" if record else f"no. {value}"
    return value


def field_name(name: str, change: dict) -> str:
    """The field an audit change is about. Status changes saved before they were reviewed
    (migration i14) name their PAM value "status"; a review status is never a number."""
    values = (change.get("before"), change.get("after"))
    if name == "status" and any(isinstance(value, int) for value in values):
        return "pam_status"
    return name


def field_changes(event: AuditEvent) -> list[FieldChange]:
    """The event's changes, lists shown as what was added and removed; a field that was blank
    and stays blank (a new record's empty fields) is left out."""
    rows = []
    for key, change in sorted(event.changes.items()):
        name = field_name(key, change)
        if name in NOT_SHOWN:
            continue
        before, after = in_words(name, change.get("before")), in_words(name, change.get("after"))
        if show(before) == show(after) == "–":
            continue
        if isinstance(before, list) or isinstance(after, list):
            old = [show(item) for item in before or []]
            new = [show(item) for item in after or []]
            rows.append(
                FieldChange(
                    label(name),
                    show(before),
                    show(after),
                    added=tuple(item for item in new if item not in old),
                    removed=tuple(item for item in old if item not in new),
                )
            )
        else:
            rows.append(FieldChange(label(name), show(before), show(after)))
    return rows


def events_for(kind: Kind, record_id: int) -> list[AuditEvent]:
    """Every audit event of a record, oldest first (the bulk import that added it included)."""
    return trail.record_events(kind.model, record_id)


def state_after(events: list[AuditEvent], event_id: int) -> dict[str, Any] | None:
    """The record's stored values just after ``event_id``, replayed from its creation."""
    state: dict[str, Any] = {}
    for event in events:
        if event.action in PROPOSALS:
            if event.id == event_id:
                return None  # a proposal is not a stored version of the record
            continue
        for name, change in event.changes.items():
            state[field_name(name, change)] = change.get("after")
        if event.id == event_id:
            return state
    return None


def _column_value(model: type, name: str, value: Any) -> Any:
    """Turn a JSON-safe audit value back into the column's Python value."""
    column = model.__table__.columns.get(name)
    if value is not None and column is not None and isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def restorable_values(kind: Kind, record: Any, state: dict[str, Any]) -> dict[str, Any]:
    """Clean values for :func:`entry.apply` from a past state (current values fill gaps)."""
    clean: dict[str, Any] = {}
    for name in kind.parsers:
        if name in NOT_RESTORED:
            continue
        clean[name] = _column_value(kind.model, name, state.get(name))
    if kind.sources:
        current = {source.url: source for source in record.sources}
        clean["sources"] = [
            {"url": url, "publisher": current[url].publisher if url in current else "", "title": ""}
            for url in state.get("sources") or []
        ]
    if kind.claims and "claims" not in state:
        # No event recorded the claims (imports write them without one): they stay as they are.
        clean["claims"] = [
            {
                "actor": claim.actor,
                "stance": claim.stance,
                "date": claim.stated_on,
                "notes": claim.notes or "",
                "source_url": [source.url for source in claim.sources],
            }
            for claim in record.claims
        ]
    elif kind.claims:
        # Audit snapshots (audit.claim_snapshot) -> claims shaped by the claim rules.
        clean["claims"] = [
            {
                "actor": claim.get("actor"),
                "stance": claim.get("stance"),
                "date": _parse_date(claim.get("stated_on")),
                "notes": claim.get("notes") or "",
                "source_url": _urls(claim.get("source_url")),
            }
            for claim in state.get("claims") or []
        ]
    for name in kind.relations:
        names = state.get(name) or []
        parties = db.session.scalars(
            select(Party).where(Party.process_id == record.process_id, Party.name.in_(names))
        )
        clean[name] = [party.id for party in parties]
    return clean


def _urls(value: Any) -> list[str]:
    """A claim's source URLs as an audit snapshot keeps them: one URL, a list, or none."""
    if isinstance(value, list):
        return [url for url in value if url]
    return [value] if value else []


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def restore_version(
    kind: Kind, record: Any, event_id: int, user: Any, version: int | None, seen_event: int = 0
) -> Outcome:
    """Write back the values the record had after ``event_id``, audited as a ``revert``."""
    state = state_after(events_for(kind, record.id), event_id)
    if state is None:
        return Outcome(errors={entry.FORM_ERROR: "That version is not part of this record."})
    clean = restorable_values(kind, record, state)
    partial = {name: value for name, value in clean.items() if name in kind.parsers}
    restoring = dataclasses.replace(kind, parsers=partial)  # only the fields a restore writes
    with audit_context(db.session, action="revert"):
        return entry.write(restoring, record, clean, user, version, seen_event)
