"""Create and update records from researchers' forms: validate, warn, lock, write, audit.

Every record kind (see :mod:`tracker.services.rules.kinds`) is saved through :func:`save`, so
validation, the confirmable warnings, optimistic locking and the audit trail work the same way
for release records, violence reports and everything else. Field values are validated by the
parsers of :mod:`tracker.services.rules.fields`, the same ones the CSV imports and bundles use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import AuditEvent, Claim
from tracker.models.base import ReviewedMixin, utcnow
from tracker.services.entry import revisions, trail
from tracker.services.entry.audit import ENTITY_NAMES, claim_snapshot
from tracker.services.entry.sources import SourceCache
from tracker.services.rules import fields

FORM_ERROR = "__all__"  # errors about the whole form rather than one field
MAX_SOURCES = 20
MAX_CLAIMS = 20


@dataclass(frozen=True)
class Warning:
    """Something a researcher should check before saving; ``link`` points at a related record."""

    message: str
    link: tuple[str, int] | None = None  # (kind name, record id)


@dataclass
class Kind:
    """How one record kind is validated and written."""

    name: str  # as in URLs: "release", "violence"
    label: str  # as people say it: "release record"
    model: type
    parsers: Mapping[str, Callable[[Any], Any]]
    check: Callable[[dict, Any], dict[str, str]] = lambda clean, record: {}
    warn: Callable[[dict, Any], list[Warning]] = lambda clean, record: []
    sources: bool = True
    claims: bool = False
    editable: bool = True
    # Attributes that hold related objects given by id lists (signatories).
    relations: Mapping[str, Callable[[list[int]], list]] = field(default_factory=dict)
    plural: str = ""  # "parties"; the label plus "s" when empty

    @property
    def labels(self) -> str:
        """The plural label: "release records", "parties"."""
        return self.plural or f"{self.label}s"

    @property
    def a_label(self) -> str:
        """The label with its article: "a release record", "an agreement"."""
        return ("an " if self.label[0] in "aeiou" else "a ") + self.label

    @property
    def reviewed(self) -> bool:
        """Records of this kind go through review (they carry a review status)."""
        return issubclass(self.model, ReviewedMixin)

    @property
    def entity(self) -> str:
        """The entity name used by audit events."""
        return ENTITY_NAMES[self.model]


@dataclass
class Outcome:
    """What happened to a save: the record, or errors, warnings to confirm, or a conflict."""

    record: Any = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)
    conflict: list[AuditEvent] | None = None
    # After a conflict: the three-way merge (fields both people changed are its conflicts).
    merge: Any = None
    # Saved after merging with changes made meanwhile (the events merged with).
    merged_with: list[AuditEvent] | None = None
    # Confirmed warnings that changed since the form showed them (the data moved).
    warnings_moved: bool = False

    @property
    def saved(self) -> bool:
        return self.record is not None and not self.errors and self.conflict is None


def parse_sources(rows: list[Mapping[str, Any]], prefix: str = "sources") -> tuple[list, dict]:
    """Source rows (url, publisher, title) -> clean rows and errors by field id; blanks skipped."""
    clean, errors, seen = [], {}, set()
    for index, row in enumerate(rows[:MAX_SOURCES]):
        values = {key: (row.get(key) or "") for key in ("url", "publisher", "title")}
        if all(fields.is_blank(value) for value in values.values()):
            continue
        try:
            url = fields.url(values["url"])
        except fields.FieldError as error:
            errors[f"{prefix}-{index}-url"] = f"Source URL {error}"
            continue
        try:
            publisher = fields.publisher(values["publisher"])
            title = fields.source_title(values["title"])
        except fields.FieldError as error:
            errors[f"{prefix}-{index}-title"] = f"Source details {error}"
            continue
        if url not in seen:
            seen.add(url)
            clean.append({"url": url, "publisher": publisher, "title": title})
    return clean, errors


def parse_claims(rows: list[Mapping[str, Any]]) -> tuple[list, dict]:
    """Claim rows (actor, stance, date, source) -> clean rows and errors; empty rows skipped."""
    clean, errors = [], {}
    for index, row in enumerate(rows[:MAX_CLAIMS]):
        if all(fields.is_blank(row.get(key)) for key in ("actor", "stated_on", "source_url")):
            continue
        # The claim rules of bundles and CSV rows; the form names the date ``stated_on``.
        values, row_errors = fields.parse_fields(row, fields.CLAIM_FIELDS, {"date": "stated_on"})
        for name, message in row_errors.items():
            label = {"stated_on": "date", "source_url": "source URL"}.get(name, name)
            errors[f"claims-{index}-{name}"] = f"Claim {index + 1}: {label} {message}"
        if not row_errors:
            clean.append(values)
    return clean, errors


def validate(kind: Kind, raw: Mapping[str, Any], record: Any = None) -> tuple[dict, dict]:
    """Clean values and errors (by form field id) for a submitted form."""
    clean, errors = fields.parse_fields(raw, kind.parsers)
    if kind.sources:
        clean["sources"], source_errors = parse_sources(list(raw.get("sources") or []))
        errors.update(source_errors)
    if kind.claims:
        clean["claims"], claim_errors = parse_claims(list(raw.get("claims") or []))
        errors.update(claim_errors)
    for name in kind.relations:
        clean[name] = raw.get(name) or []
    if not errors:
        errors.update(kind.check(clean, record))
    return clean, errors


def apply(kind: Kind, record: Any, clean: Mapping[str, Any]) -> None:
    """Write clean values onto the record: columns, sources by URL, relations, claims."""
    for name in kind.parsers:
        if getattr(record, name, None) != clean[name]:
            setattr(record, name, clean[name])
    for name, load in kind.relations.items():
        wanted = load(clean[name])
        if [item.id for item in getattr(record, name)] != [item.id for item in wanted]:
            setattr(record, name, wanted)
    if kind.sources:
        cache = SourceCache()
        sources = [cache.get(row["url"], row["publisher"]) for row in clean["sources"]]
        for row, source in zip(clean["sources"], sources, strict=True):
            if row["title"] and not source.title:
                source.title = row["title"]
        if [id(s) for s in record.sources] != [id(s) for s in sources]:
            record.sources = sources
    if kind.claims:
        write_claims(record, clean["claims"])
    for name in revisions.extra_columns(kind):
        if name in clean and getattr(record, name, None) != clean[name]:
            setattr(record, name, clean[name])


def write_claims(report: Any, rows: list[Mapping[str, Any]]) -> None:
    """Update the report's claims in place by position; extra ones are removed."""
    cache = SourceCache()
    for index, row in enumerate(rows):
        if index < len(report.claims):
            claim = report.claims[index]
        else:
            claim = Claim(actor=row["actor"], stance=row["stance"])
            report.claims.append(claim)
        for name, value in (
            ("actor", row["actor"]),
            ("stance", row["stance"]),
            ("stated_on", row["date"]),
            ("notes", row["notes"]),
        ):
            if getattr(claim, name) != value:
                setattr(claim, name, value)
        sources = [cache.get(url) for url in row["source_url"]]
        if [id(s) for s in claim.sources] != [id(s) for s in sources]:
            claim.sources = sources
    del report.claims[len(rows) :]


def latest_event_id(kind: Kind, record_id: int) -> int:
    """The id of the record's newest audit event (0 when none): marks what a form has seen."""
    events = trail.record_events(kind.model, record_id)
    return events[-1].id if events else 0


def changes_since(kind: Kind, record_id: int, seen_event: int) -> list[AuditEvent]:
    """The record's audit events newer than ``seen_event``: what others changed meanwhile."""
    return trail.record_events(kind.model, record_id, after_id=seen_event)


def save(
    kind: Kind,
    record: Any,
    raw: Mapping[str, Any],
    user: Any,
    confirmed: bool = False,
    version: int | None = None,
    seen_event: int = 0,
    base: dict | None = None,
    seen_warnings: list[str] | None = None,
) -> Outcome:
    """Validate and write a form; nothing is written unless everything is valid (and confirmed).

    ``version`` is the record version the form was opened at: a save over a newer version is
    a conflict. With ``base`` (the values the form was opened with) the change is merged three
    ways: fields only the other person changed keep their values, and the save goes through
    unless both changed the same field (``Outcome.merge`` lists those).
    """
    clean, errors = validate(kind, raw, record)
    if errors:
        return Outcome(errors=errors)
    # Warnings come from the database now, not from when the form was opened: a confirmation
    # covers the warnings the editor saw, and any new one is shown again.
    warnings = kind.warn(clean, record)
    confirmed_warnings = [warning.message for warning in warnings]
    unseen = [m for m in confirmed_warnings if seen_warnings is not None and m not in seen_warnings]
    if warnings and (not confirmed or unseen):
        return Outcome(warnings=warnings, warnings_moved=bool(confirmed and unseen))
    outcome = write(kind, record, clean, user, version, seen_event, confirmed_warnings)
    if outcome.conflict is None or base is None or record is None:
        return outcome
    from tracker.services.entry.merge import three_way

    current = revisions.proposed_values(kind, record)
    merge = three_way(kind, base, revisions.to_json(kind, clean), current)
    if not merge.conflicts:
        merged = revisions.from_json(kind, merge.merged)
        if not kind.check(merged, record):
            latest = latest_event_id(kind, record.id)
            again = write(kind, record, merged, user, record.version, latest, confirmed_warnings)
            if again.saved:
                again.merged_with = outcome.conflict
                return again
    outcome.merge = merge
    return outcome


def _is_reviewed_version(kind: Kind, record: Any) -> bool:
    """A published or archived record while review is required: changes wait for review."""
    from tracker.services.entry.review import review_required

    return kind.reviewed and record.status in revisions.REVIEWED_LIFE and review_required()


def _write_revision(
    kind: Kind,
    record: Any,
    clean: Mapping[str, Any],
    user: Any,
    version: int | None,
    seen: int,
    warnings: list[str],
) -> Outcome:
    """Keep the change as the record's pending revision; the public version stays."""
    if version is not None:
        set_committed_value(record, "version", version)
    values = revisions.to_json(kind, dict(clean))
    revisions.propose(kind, record, values, getattr(user, "id", None), warnings=warnings)
    try:
        db.session.flush()
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # IntegrityError: another editor's first revision of the record won the race.
        db.session.rollback()
        return Outcome(conflict=changes_since(kind, record.id, seen))
    return Outcome(record=record)


def write(
    kind: Kind,
    record: Any,
    clean: Mapping[str, Any],
    user: Any,
    version: int | None,
    seen: int,
    warnings: list[str] | None = None,
) -> Outcome:
    """Apply clean values in one transaction, with the version check and audited claims.

    A change to a published (or archived) record becomes its pending revision instead, while
    review is required; publishing it is :func:`tracker.services.entry.review.publish`'s job.
    """
    creating = record is None
    if not creating and _is_reviewed_version(kind, record):
        return _write_revision(kind, record, clean, user, version, seen, warnings or [])
    if creating:
        record = kind.model()
        if kind.reviewed:
            record.status = "under_review"
        if hasattr(record, "created_by_id"):
            record.created_by_id = getattr(user, "id", None)
        db.session.add(record)
    elif version is not None and hasattr(record, "version"):
        # Assigning the version would silently overwrite; a committed value makes the UPDATE
        # match only the version the form was opened at (see NOTES.md).
        set_committed_value(record, "version", version)
    before_claims = claim_snapshot(record) if kind.claims and not creating else []
    with db.session.no_autoflush:  # one flush, so a record and its sources make one audit event
        apply(kind, record, clean)
    if hasattr(record, "updated_at") and not creating:
        # Always an UPDATE, so the version check runs even when only sources or claims changed.
        record.updated_at = utcnow()
    if kind.claims:
        extra = db.session.info.setdefault("audit_extra", {})
        after_claims = claim_snapshot(record)
        if after_claims != before_claims:
            extra[id(record)] = {"claims": {"before": before_claims, "after": after_claims}}
    try:
        db.session.flush()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return Outcome(conflict=changes_since(kind, record.id, seen))
    except IntegrityError:
        db.session.rollback()
        return Outcome(
            errors={FORM_ERROR: "The record clashes with another one (a name or key in use)."}
        )
    finally:
        db.session.info.pop("audit_extra", None)
    return Outcome(record=record)
