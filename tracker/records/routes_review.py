"""Review views: the start page, the review queue, publish / archive / restore, admin settings."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.permissions import can_publish, require_role
from tracker.records import bp
from tracker.records.forms import ActionForm, SettingsForm
from tracker.records.helpers import get_kind, get_record, submitted_int
from tracker.services.entry import queue as review_queue
from tracker.services.entry import review
from tracker.services.entry.registry import KINDS

REVIEWED_KINDS = [kind for kind in KINDS.values() if kind.reviewed]


@bp.get("/")
def index():
    """Where researchers start: what to add, and how many records await their review."""
    waiting, own = review_queue.counts(REVIEWED_KINDS, current_user)
    return render_template(
        "records/index.html", kinds=list(KINDS.values()), waiting=waiting, own=own
    )


@bp.get("/review")
def queue():
    """What waits for review, grouped by import, each with its author, age, diff and sources.

    ``?batch=<label>`` shows one import (``?batch=``: what was entered by hand) and ``?mine=1``
    one's own items waiting for someone else, 50 a page (``?page=``)."""
    page = _page_number()
    batch = request.args.get("batch")
    mine = request.args.get("mine") == "1"
    items = review_queue.build(REVIEWED_KINDS, current_user, batch=batch, mine=mine, page=page)
    if page > items["pages"]:
        pages = items["pages"]
        plural = "s" if pages != 1 else ""
        abort(404, f"There is no page {page}: this list has {pages} page{plural}.")
    shown = [item for batch in items["batches"] for item in batch.items] + items["own"]
    review_queue.fill_details(shown)
    return render_template(
        "records/queue.html",
        queue=items,
        batch_filter=batch,
        mine=mine,
        limit=LIMIT,
        names=review_queue.author_names(shown),
        age=review_queue.age,
        action_form=ActionForm(),
        review_required=review.review_required(),
        can_publish=lambda record: can_publish(current_user, record),
    )


LIMIT = 50


def _page_number() -> int:
    """The ``page`` of the query string: a whole number from 1, else a 400 that says so."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        abort(400, f"The page must be a whole number from 1, not {raw[:20]!r}.")
    return int(raw)


@bp.post("/review/batch")
def publish_batch():
    """Publish every item of one import batch (each through the two-person rule)."""
    if not ActionForm().validate_on_submit():
        flash("The form expired. Please try again.", "error")
        return redirect(url_for("records.queue"))
    batch = request.form.get("batch", "")
    seconds = current_app.config["REVIEW_PUBLISH_SECONDS"]
    done, refused, left = review_queue.publish_batch(REVIEWED_KINDS, current_user, batch, seconds)
    message = f"Published {done:,} record{'s' if done != 1 else ''} of {batch or 'the batch'}."
    if left:
        message += f" {left:,} more wait: press Publish all again to go on."
    if refused:
        message += f" {refused:,} you wrote or changed wait for someone else."
    flash(message, "success" if done else "info")
    return redirect(url_for("records.queue"))


@bp.post("/<kind_name>/<int:record_id>/send-back")
def send_back(kind_name: str, record_id: int):
    """Return a waiting record to its authors with a comment they see on its page."""
    kind = get_kind(kind_name)
    record = get_record(kind, record_id)
    comment = (request.form.get("comment") or "").replace("\x00", "").strip()[:2000]
    if not ActionForm().validate_on_submit():
        flash("The form expired. Please try again.", "error")
    elif not comment:
        flash("Write what the author should check before sending it back.", "error")
    elif not review.has_pending(record):
        flash("Nothing of this record waits for review.", "error")
    else:
        review_queue.send_back(kind, record, current_user, comment)
        flash(f"{kind.label.capitalize()} {record.id} sent back with your comment.", "success")
    return redirect(url_for("records.queue", _anchor=request.form.get("next") or None))


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
    if request.form.get("back") == "queue":
        # From the queue, back to the queue at the next item.
        return redirect(url_for("records.queue", _anchor=request.form.get("next") or None))
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
