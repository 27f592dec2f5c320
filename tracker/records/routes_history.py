"""History views: a record's changes as readable diffs, and one-click restore of a version."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.records import bp
from tracker.records.forms import ActionForm
from tracker.records.helpers import get_kind, get_record, submitted_int
from tracker.services.entry import history


@bp.get("/<kind_name>/<int:record_id>/history")
def record_history(kind_name: str, record_id: int):
    """Every audit event of the record, newest first, each with what changed."""
    kind = get_kind(kind_name)
    record = get_record(kind, record_id)
    events = history.events_for(kind, record_id)
    return render_template(
        "records/history.html",
        kind=kind,
        record=record,
        entries=[(event, history.field_changes(event)) for event in reversed(events)],
        latest_id=events[-1].id if events else 0,
        action_form=ActionForm(),
    )


@bp.post("/<kind_name>/<int:record_id>/history/<int:event_id>/restore")
def restore_version(kind_name: str, record_id: int, event_id: int):
    """Write back the values the record had after an event; the restore is audited too."""
    kind = get_kind(kind_name)
    record = get_record(kind, record_id)
    back = url_for("records.record_history", kind_name=kind.name, record_id=record_id)
    if not kind.editable:
        flash(f"{kind.a_label.capitalize()} cannot be changed; record a new one instead.", "error")
        return redirect(back)
    form = ActionForm()
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "error")
        return redirect(back)
    outcome = history.restore_version(
        kind, record, event_id, current_user, submitted_int("version"), submitted_int("seen") or 0
    )
    if outcome.conflict is not None:
        flash("Someone changed this record since you opened its history. Check it again.", "error")
    elif outcome.errors:
        flash(" ".join(outcome.errors.values()), "error")
    else:
        flash(f"{kind.label.capitalize()} {record_id} restored to that version.", "success")
    return redirect(back)
