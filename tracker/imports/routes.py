"""Upload a CSV, check it, see the preview, then confirm: researchers and admins only.

No request runs an import: the check (the import run and rolled back) and the import itself are
jobs on the queue (:mod:`tracker.jobs`), and the upload's page shows their progress until their
outcome is in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import jobs
from tracker.errors import error_response
from tracker.imports import bp
from tracker.imports.forms import ConfirmForm, UploadForm
from tracker.permissions import require_role
from tracker.services.entry.review import review_required
from tracker.services.interchange import preview_budget
from tracker.services.interchange.import_log import list_imports
from tracker.services.interchange.upload_jobs import job_status
from tracker.services.interchange.uploads import (
    discard_pending,
    find_pending,
    import_targets,
    queue_job,
    resolve_target,
    store_upload,
    waiting_uploads,
)

WEB_MAX_ROWS = 250_000


def import_command(kind: str, target, filename: str) -> str:
    """The command that imports this file on the server, where no row limit applies."""
    option = f"--process {target.slug}" if kind == "violence" else f"--commitment {target.id}"
    return f"flask --app wsgi import {kind} {filename} {option}"


def upload_form() -> UploadForm:
    """The upload form with today's targets; importing as published only with review off."""
    return UploadForm(import_targets(), may_publish=not review_required())


def render_upload(form: UploadForm, status: int = 200, too_large: str | None = None):
    """The upload page with the list of past imports."""
    page = render_template(
        "imports/index.html",
        form=form,
        imports=list_imports(),
        waiting=[(row, job_status(row)) for row in waiting_uploads(current_user.id)],
        too_large=too_large,
        max_rows=current_app.config.get("IMPORT_WEB_MAX_ROWS", WEB_MAX_ROWS),
    )
    return page, status


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over MAX_CONTENT_LENGTH: say the limit on the upload page."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    size = f"{limit / 1048576:.3g} MB" if limit >= 1048576 else f"{limit / 1024:.3g} KB"
    message = (
        f"The file is larger than the upload limit of {size}. Split it "
        "into smaller files, or import it with the command line (flask import violence)."
    )
    form = UploadForm(import_targets(), may_publish=False, formdata=None)
    return render_upload(form, 413, message)


@bp.get("/imports")
@require_role("researcher", "admin")
def index():
    """The upload form and the latest imports."""
    return render_upload(upload_form())


@bp.post("/imports")
@require_role("researcher", "admin")
def upload():
    """Keep the uploaded file and queue its check, then show its page."""
    form = upload_form()
    if not form.validate_on_submit():
        return render_upload(form, 400)
    kind, target_id = form.target_parts()
    target = resolve_target(kind, target_id)[0]
    if target is None:
        form.target.errors.append("Choose a process or commitment from the list.")
        return render_upload(form, 400)
    upload_file = form.file.data
    filename, content = upload_file.filename or "upload.csv", upload_file.read()
    rows = preview_budget.count_rows(content)
    refusal = preview_budget.refusal(
        rows,
        max_rows=current_app.config.get("IMPORT_WEB_MAX_ROWS", WEB_MAX_ROWS),
        command=import_command(kind, target, filename),
    )
    if refusal:
        form.file.errors.append(refusal)
        return render_upload(form, 400)
    pending = store_upload(
        current_user.id, kind, target_id, form.status.data, filename, content, rows
    )
    jobs.enqueue("check", pending.id)
    return redirect(url_for("imports.preview", token=pending.token))


def pending_or_404(token: str):
    """The current user's upload, or 404 (someone else's is not theirs to see)."""
    pending = find_pending(token, current_user.id)
    if pending is None:
        abort(404, "This upload is not waiting any more: it was imported, cancelled or expired.")
    return pending


def may_check_again(pending, status: dict) -> bool:
    """A check is run again after a job died or failed, or after an import was refused (the
    data or the rules changed since the check); a file's own errors need a new file instead."""
    if status["state"] in ("stopped", "failed"):
        return True
    outcome = pending.outcome or {}
    return status["state"] == "done" and pending.job == "import" and not outcome.get("ok")


@bp.get("/imports/<token>")
@require_role("researcher", "admin")
def preview(token: str):
    """The upload's page: its job's progress, then the preview, its errors, or the result."""
    pending = pending_or_404(token)
    status = job_status(pending)
    outcome = pending.outcome or {}
    http_status = 422 if status["state"] == "done" and not outcome.get("ok", True) else 200
    page = render_template(
        "imports/preview.html",
        token=token,
        kind=pending.kind,
        facts={"filename": pending.filename, "size": pending.size, "status": pending.status},
        label=resolve_target(pending.kind, pending.target_id)[1],
        status=status,
        outcome=outcome if status["state"] == "done" else {},
        check_again=may_check_again(pending, status),
        form=ConfirmForm(),
    )
    return page, http_status


@bp.get("/imports/<token>/status.json")
def status(token: str):
    """The upload's job as JSON, for the page's progress script; only for its uploader."""
    if not current_user.is_authenticated:
        return error_response(401, "Log in to see the progress of your uploads.")
    if current_user.role not in ("researcher", "admin"):
        return error_response(403, "Only researchers and admins upload files.")
    pending = find_pending(token, current_user.id)
    if pending is None:
        message = "No upload of yours has this address: it was cancelled, expired or is not yours."
        return error_response(404, message)
    return jsonify(job_status(pending))


@bp.post("/imports/<token>/confirm")
@require_role("researcher", "admin")
def confirm(token: str):
    """Queue the import, to run in one transaction, as one audit event."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; open the preview again and confirm.")
    pending = pending_or_404(token)
    outcome = pending.outcome or {}
    checked = pending.job == "check" and pending.job_state == "done" and outcome.get("ok")
    if not checked:
        flash("Nothing was imported: this file has no finished check to confirm.", "error")
        return redirect(url_for("imports.preview", token=token))
    if outcome.get("outside") and not form.accept_outside.data:
        flash(
            "Some rows lie outside this process's countries or period: tick the box to "
            "import them too, or cancel.",
            "error",
        )
        return redirect(url_for("imports.preview", token=token))
    if queue_job(pending.id, "import", allowed=("done",), after="check"):
        jobs.enqueue("import", pending.id, bool(form.accept_outside.data))
    return redirect(url_for("imports.preview", token=token))


@bp.post("/imports/<token>/check")
@require_role("researcher", "admin")
def check_again(token: str):
    """Run the check again: after a job died with its worker, or after errors elsewhere."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; open the upload's page again.")
    pending = pending_or_404(token)
    status = job_status(pending)
    if may_check_again(pending, status):
        grace = current_app.config["IMPORT_JOB_GRACE"]
        stale_before = datetime.now(UTC) - grace if status["state"] == "stopped" else None
        if queue_job(pending.id, "check", allowed=("done", "failed"), stale_before=stale_before):
            jobs.enqueue("check", pending.id)
    return redirect(url_for("imports.preview", token=token))


@bp.post("/imports/<token>/cancel")
@require_role("researcher", "admin")
def cancel(token: str):
    """Forget the upload; nothing was imported (a job under way is not stopped)."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; open the preview again.")
    pending = pending_or_404(token)
    status = job_status(pending)
    # A running job holds SQLite's write lock: wait for its outcome, then cancel.
    if status["state"] == "running" or (pending.job == "import" and status["state"] == "queued"):
        flash(
            f"The {'check' if pending.job == 'check' else 'import'} is under way and cannot "
            "be cancelled; wait for its outcome.",
            "error",
        )
        return redirect(url_for("imports.preview", token=token))
    discard_pending(pending)
    flash("Upload cancelled; nothing was imported.", "info")
    return redirect(url_for("imports.index"))
