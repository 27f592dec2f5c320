"""Shared pieces of the records views: finding kinds and records, choices, errors, rendering."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker.extensions import db
from tracker.models import Agreement, Claim, Commitment, Party, PeaceProcess, ViolenceReport
from tracker.models.base import MAX_ID
from tracker.records.forms import FORMS, RecordForm, options
from tracker.services.entry import save as entry
from tracker.services.entry.registry import KINDS
from tracker.services.entry.save import Kind, Outcome

ERROR_LABELS = {"__all__": "Form"}


def get_kind(name: str) -> Kind:
    """The record kind named in the URL, or 404."""
    kind = KINDS.get(name)
    if kind is None:
        abort(404, f"There is no kind of record called {name!r}.")
    return kind


def get_record(kind: Kind, record_id: int) -> Any:
    """A record of ``kind`` by id, or 404."""
    record = db.session.get(kind.model, record_id)
    if record is None:
        abort(404, f"There is no {kind.label} number {record_id}.")
    return record


def submitted_int(name: str) -> int | None:
    """An integer from the submitted form (version, event ids); None when absent or bad."""
    value = request.form.get(name, "")
    if not re.fullmatch(r"[0-9]{1,10}", value) or int(value) > MAX_ID:
        return None  # past the integer columns: no version or event has such a number
    return int(value)


def active_processes() -> list[PeaceProcess]:
    """Processes that are not archived, by name (for choices and filters)."""
    return list(
        db.session.scalars(
            select(PeaceProcess)
            .where(PeaceProcess.status != "archived")
            .order_by(PeaceProcess.name)
        )
    )


def _grouped(items, group_of, label_of, blank: str | None = None) -> list[SelectChoice]:
    """Choices grouped (optgroups) by process or agreement name, after an optional blank."""
    choices = [SelectChoice("", blank)] if blank else []
    choices += [SelectChoice(item.id, label_of(item), optgroup=group_of(item)) for item in items]
    return choices


def commitment_label(commitment: Commitment) -> str:
    """ "Afghan government releases (up to 5,000 prisoners)"."""
    target = ""
    if commitment.target:
        up_to = "up to " if commitment.target_is_maximum else ""
        target = f" ({up_to}{commitment.target:,} {commitment.unit})"
    return f"{commitment.description[:80]}{target} [{commitment.key}]"


def populate_choices(form: RecordForm) -> None:
    """Fill the selects from the database: processes, agreements, commitments, parties."""
    processes = active_processes()
    process_choices = options([("", "Choose a process")] + [(p.id, p.name) for p in processes])
    if "process_id" in form:
        form.process_id.choices = process_choices
    agreements = list(
        db.session.scalars(
            select(Agreement).where(Agreement.status != "archived").order_by(Agreement.title)
        )
    )
    if "agreement_id" in form:
        form.agreement_id.choices = _grouped(
            agreements, lambda a: a.process.name, lambda a: a.title, "Choose an agreement"
        )
    if "commitment_id" in form:
        query = select(Commitment).where(Commitment.status != "archived")
        wanted = "prisoner_release" if form.__class__.__name__ == "ReleaseForm" else None
        commitments = [
            c
            for c in db.session.scalars(query.order_by(Commitment.id))
            if (c.kind == wanted if wanted else not c.is_countable)
        ]
        form.commitment_id.choices = _grouped(
            commitments, lambda c: c.agreement.title, commitment_label, "Choose a commitment"
        )
    parties = list(db.session.scalars(select(Party).order_by(Party.process_id, Party.name)))
    for name in ("obligated_party_id", "beneficiary_party_id"):
        if name in form:
            form[name].choices = _grouped(
                parties, lambda p: p.process.name, lambda p: p.name, "(none)"
            )
    if "signatories" in form:
        form.signatories.choices = _grouped(parties, lambda p: p.process.name, lambda p: p.name)


def actor_names() -> list[str]:
    """Actor names already used (parties, report actors, claims): the datalist suggestions."""
    names = set(db.session.scalars(select(Party.name)))
    names |= set(db.session.scalars(select(Party.short_name)))
    names |= set(db.session.scalars(select(ViolenceReport.actor1).distinct()))
    names |= set(db.session.scalars(select(ViolenceReport.actor2).distinct()))
    names |= set(db.session.scalars(select(Claim.actor).distinct()))
    return sorted(name for name in names if name)


def _all_fields(form) -> dict[str, Any]:
    """Every field of the form, nested rows included, by its HTML id."""
    found = {}
    for field in form:
        if field.type == "FieldList":
            for entry_field in field:
                for sub in entry_field.form:
                    found[sub.id] = sub
        else:
            found[field.id] = field
    return found


def attach_errors(form: RecordForm, errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """Put each error at its field; return (field id, label, message) for the error summary."""
    fields = _all_fields(form)
    summary = []
    for field_id, message in errors.items():
        field = fields.get(field_id)
        if field is None:
            summary.append(("", ERROR_LABELS.get(field_id, field_id), message))
            continue
        field.errors = [message]
        summary.append((field.id, field.label.text, message))
    order = list(fields)
    summary.sort(key=lambda row: order.index(row[0]) if row[0] in order else -1)
    return summary


def new_form(kind: Kind, record: Any = None, formdata: Any = None, **preset) -> RecordForm:
    """The kind's form bound to the request, a record, or preset values; choices filled in."""
    form_class = FORMS[kind.name]
    if formdata is not None:
        form = form_class(formdata=formdata)
    elif record is not None:
        form = form_class(obj=record)
        form.version.data = getattr(record, "version", "")
        form.seen_event.data = entry.latest_event_id(kind, record.id)
        if kind.claims:
            _fill_claims(form, record)
    else:
        form = form_class(formdata=None, **preset)
    populate_choices(form)
    pad_rows(form)
    return form


def _fill_claims(form, record) -> None:
    """Claims carry their source as one URL field."""
    while len(form.claims.entries):
        form.claims.pop_entry()
    for claim in record.claims:
        form.claims.append_entry(
            {
                "actor": claim.actor,
                "stance": claim.stance,
                "stated_on": claim.stated_on.isoformat() if claim.stated_on else "",
                "source_url": "; ".join(source.url for source in claim.sources),
                "notes": claim.notes,
            }
        )


def pad_rows(form, extra_source: int = 0, extra_claim: int = 0) -> None:
    """Blank rows to type into: two sources at least, one more than already given."""
    if "sources" in form:
        filled = sum(1 for row in form.sources if row.form.url.data)
        while len(form.sources.entries) < max(2, filled + 1) + extra_source:
            form.sources.append_entry()
    if "claims" in form:
        filled = sum(1 for row in form.claims if row.form.actor.data)
        while len(form.claims.entries) < filled + 1 + extra_claim:
            form.claims.append_entry()


def render_form(
    kind: Kind,
    form: RecordForm,
    record: Any = None,
    outcome: Outcome | None = None,
    status: int = 200,
):
    """The record form page, with the error summary, warnings or conflict when there are any."""
    outcome = outcome or Outcome()
    summary = attach_errors(form, outcome.errors)
    if outcome.warnings:
        form.confirm_warnings.data = False
    return (
        render_template(
            "records/form.html",
            kind=kind,
            form=form,
            record=record,
            error_summary=summary,
            warnings=outcome.warnings,
            conflict=outcome.conflict,
            actor_names=actor_names() if kind.claims else [],
        ),
        status,
    )
