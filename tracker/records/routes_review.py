"""Review views: the start page, the review queue, publish / archive / restore, admin settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.permissions import can_publish, require_role
from tracker.records import bp
from tracker.records.forms import ActionForm, SettingsForm
from tracker.records.helpers import get_kind, get_record, submitted_int
from tracker.services.entry import review
from tracker.services.entry.registry import KINDS

REVIEWED_KINDS = [kind for kind in KINDS.values() if kind.reviewed]


@bp.get("/")
def index():
    """Where researchers start: what to add, and how many records await their review."""
    queue = review.review_queue([kind.model for kind in REVIEWED_KINDS], current_user)
    return render_template(
        "records/index.html",
        kinds=list(KINDS.values()),
        waiting=len(queue["others"]),
        own=len(queue["own"]),
    )


@bp.get("/review")
def queue():
    """Records under review: those others entered (to review) and this user's own (waiting)."""
    items = review.review_queue([kind.model for kind in REVIEWED_KINDS], current_user)
    by_model = {kind.model: kind for kind in REVIEWED_KINDS}
    rows = {
        group: [(by_model[type(record)], record) for record in records]
        for group, records in items.items()
    }
    return render_template(
        "records/queue.html",
        rows=rows,
        action_form=ActionForm(),
        review_required=review.review_required(),
        can_publish=lambda record: can_publish(current_user, record),
    )


def _review_action(kind_name: str, record_id: int, action, done: str):
    """Run a review action from a one-button form; explain any refusal."""
    kind = get_kind(kind_name)
    if not kind.reviewed:
        flash(f"{kind.a_label.capitalize()} has no review status.", "error")
        return redirect(url_for("records.index"))
    record = get_record(kind, record_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash("The form expired. Please try again.", "error")
    else:
        try:
            result = action(record, submitted_int("version"))
            if result == "proposed":
                flash(
                    f"{kind.label.capitalize()} {record.id}: the change waits for review. "
                    "The public pages show the published version until someone else "
                    "publishes it.",
                    "success",
                )
            else:
                flash(f"{kind.label.capitalize()} {record.id} {done}.", "success")
        except review.ReviewError as error:
            flash(str(error), "error")
    return redirect(url_for("records.edit", kind_name=kind.name, record_id=record_id))


@bp.post("/<kind_name>/<int:record_id>/publish")
def publish(kind_name: str, record_id: int):
    """Publish a record under review (never one's own while review is required)."""
    return _review_action(
        kind_name,
        record_id,
        lambda record, version: review.publish(record, current_user, version),
        "published: it now shows on the public pages and in the API",
    )


@bp.post("/<kind_name>/<int:record_id>/archive")
def archive(kind_name: str, record_id: int):
    """Archive a record: it leaves public pages and totals but is kept and can be restored."""
    return _review_action(
        kind_name,
        record_id,
        lambda record, version: review.archive(record, current_user, version),
        "archived",
    )


@bp.post("/<kind_name>/<int:record_id>/restore")
def restore(kind_name: str, record_id: int):
    """Restore an archived record to the status it had."""
    return _review_action(
        kind_name,
        record_id,
        lambda record, version: review.restore(record, current_user, version),
        "restored",
    )


@bp.route("/settings", methods=["GET", "POST"])
@require_role("admin")
def settings():
    """Admin-only site settings: whether publishing needs a second person."""
    form = SettingsForm()
    if form.validate_on_submit():
        review.set_review_required(bool(form.review_required.data), current_user.email)
        flash(
            "Review is on: authors cannot publish their own records."
            if form.review_required.data
            else "Review is off: researchers may publish their own records.",
            "success",
        )
        return redirect(url_for("records.settings"))
    if form.is_submitted():
        flash("The form expired. Please try again.", "error")
        return render_template("records/settings.html", form=form), 400
    form.review_required.data = review.review_required()
    return render_template("records/settings.html", form=form)
