"""Create and edit views for every record kind: parse the form, call the entry service, render."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from tracker.errors import handle_http_error
from tracker.extensions import db
from tracker.permissions import EDITOR_ROLES
from tracker.records import bp
from tracker.records.helpers import (
    get_kind,
    get_record,
    new_form,
    render_form,
    submitted_int,
)
from tracker.services.entry import merge, revisions
from tracker.services.entry import save as entry
from tracker.services.entry.registry import KINDS
from tracker.services.entry.save import Outcome

# Buttons that add a blank row and show the form again, without saving (no JavaScript needed).
ADD_ROW_BUTTONS = {"add_source": "sources", "add_claim": "claims"}
PRESETS = ("process_id", "agreement_id", "commitment_id")


def _added_row(form) -> bool:
    """When an "add another" button was pressed: add the row and say so."""
    for button, rows in ADD_ROW_BUTTONS.items():
        if button in request.form and rows in form:
            # One more than the blocks the page showed (the form already has a blank one
            # beyond those filled in: padding again would add two).
            shown = {key.split("-")[1] for key in request.form if key.startswith(rows + "-")}
            while len(form[rows].entries) < len(shown) + 1:
                form[rows].append_entry()
            return True
    return False


CHOOSE = "Choose, for each field both of you changed, which value to keep."
# A refused CSRF token (an expired form): say so, and keep every typed value on the page.
EXPIRED = Outcome(
    errors={entry.FORM_ERROR: "The form expired. Your values are kept below: save again."}
)


def _status_for(outcome: Outcome) -> int:
    """400 for invalid input, 409 for an edit conflict, 200 for warnings to confirm."""
    if outcome.conflict is not None or outcome.merge is not None:
        return 409
    return 400 if outcome.errors else 200


@bp.route("/<kind_name>/new", methods=["GET", "POST"])
def create(kind_name: str):
    """A blank form (parents preset from the query string); on POST, validate and save."""
    kind = get_kind(kind_name)
    if request.method == "GET":
        preset = {name: request.args.get(name, type=int) for name in PRESETS}
        form = new_form(kind, **{k: v for k, v in preset.items() if v})
        return render_form(kind, form)
    form = new_form(kind, formdata=request.form)
    if not form.validate_on_submit():
        return render_form(kind, form, outcome=EXPIRED, status=400)
    if _added_row(form):
        return render_form(kind, form)
    outcome = entry.save(
        kind,
        None,
        form.raw(),
        current_user,
        confirmed=bool(form.confirm_warnings.data),
        seen_warnings=_seen_warnings(),
    )
    if not outcome.saved:
        return render_form(kind, form, outcome=outcome, status=_status_for(outcome))
    flash(_saved_message(kind, outcome.record, created=True), "success")
    return redirect(_after_save(kind, outcome.record))


@bp.route("/<kind_name>/<int:record_id>/edit", methods=["GET", "POST"])
def edit(kind_name: str, record_id: int):
    """The record's form; a save over someone else's newer change is refused, input kept."""
    kind = get_kind(kind_name)
    if not kind.editable:
        abort(404, f"{kind.a_label.capitalize()} cannot be edited; record a new one instead.")
    record = get_record(kind, record_id)
    if request.method == "GET":
        return render_form(kind, new_form(kind, record=record), record)
    form = new_form(kind, formdata=request.form)
    if not form.validate_on_submit():
        return render_form(kind, form, record, outcome=EXPIRED, status=400)
    if _added_row(form):
        return render_form(kind, form, record)
    base = merge.parse_base(request.form.get("base"))
    raw, undecided = merge.resolve(form.raw(), request.form, base)
    if undecided:
        # Fields both people changed: the editor picks one value per field, side by side.
        mine = revisions.to_json(kind, entry.validate(kind, raw, record)[0])
        pending = merge.Merge(merged=mine, current=base or {}, conflicts=undecided)
        outcome = Outcome(errors={entry.FORM_ERROR: CHOOSE}, merge=pending)
        return render_form(kind, form, record, outcome=outcome, status=409)
    outcome = entry.save(
        kind,
        record,
        raw,
        current_user,
        confirmed=bool(form.confirm_warnings.data),
        version=submitted_int("version"),
        seen_event=submitted_int("seen_event") or 0,
        base=base,
        seen_warnings=_seen_warnings(),
    )
    if outcome.conflict is not None:
        # The form moves to the current version: fields only the other person changed show
        # their values, fields both changed show this editor's, with a choice beside each.
        record = get_record(kind, record_id)
        if outcome.merge is not None:
            form = new_form(kind, record=record, values=outcome.merge.merged)
        form.version.data = record.version
        form.seen_event.data = entry.latest_event_id(kind, record.id)
        form.base.data = json.dumps(
            revisions.proposed_values(kind, record), ensure_ascii=False, sort_keys=True
        )
    if not outcome.saved:
        return render_form(kind, form, record, outcome=outcome, status=_status_for(outcome))
    if outcome.merged_with:
        others = sorted({event.actor or "someone" for event in outcome.merged_with})
        flash(
            f"{', '.join(others)} changed this {kind.label} while you were editing; "
            "their changes and yours were merged (no field was changed by both).",
            "info",
        )
    flash(_saved_message(kind, outcome.record, created=False), "success")
    return redirect(_after_save(kind, outcome.record))


def _seen_warnings() -> list[str] | None:
    """The warnings the form showed when the editor confirmed them (None: not sent)."""
    return merge.parse_list(request.form.get("warned"))


def _saved_message(kind, record, created: bool) -> str:
    """ "Release record 12 saved; it is under review until someone else publishes it."."""
    verb = "added" if created else "saved"
    message = f"{kind.label.capitalize()} {record.id} {verb}."
    if kind.reviewed and record.status == "under_review":
        message += " It is under review: another researcher or an admin publishes it."
        if not created:
            message += " Until then it is left out of the public pages and the API."
    elif kind.reviewed and revisions.pending(kind, record.id) is not None:
        message += (
            " The change waits for review: the public pages and the API show the published "
            "version until another researcher or an admin publishes it."
        )
    return message


def _after_save(kind, record) -> str:
    """Where to go after saving: the record's page (its form), or the commitment for a status."""
    if not kind.editable:
        return url_for("records.index")
    return url_for("records.edit", kind_name=kind.name, record_id=record.id)


@bp.errorhandler(CSRFError)
def expired_form(error: CSRFError):
    """A form sent with an expired or missing token: show it again with everything typed."""
    editor = current_user.is_authenticated and current_user.role in EDITOR_ROLES
    if not editor or request.endpoint not in ("records.create", "records.edit"):
        return handle_http_error(error)
    kind = KINDS.get(request.view_args["kind_name"])
    record_id = request.view_args.get("record_id")
    record = db.session.get(kind.model, record_id) if kind and record_id is not None else None
    if kind is None or (record_id is not None and record is None):
        return handle_http_error(error)  # nothing to show again: the plain 400 page
    form = new_form(kind, formdata=request.form)
    return render_form(kind, form, record, outcome=EXPIRED, status=400)
