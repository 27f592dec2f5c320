"""Upload a CSV, preview what it will do, then confirm: researchers and admins only."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.imports import bp
from tracker.imports.forms import ConfirmForm, UploadForm
from tracker.permissions import require_role
from tracker.services.entry.review import review_required
from tracker.services.interchange import preview_budget
from tracker.services.interchange.csv_import import (
    CsvImportError,
    OutsideRowsError,
)
from tracker.services.interchange.import_log import list_imports
from tracker.services.interchange.uploads import (
    RunRefusedError,
    discard_pending,
    find_pending,
    import_targets,
    resolve_target,
    run_pending,
    store_upload,
)

# The preview runs the whole import inside the request (then rolls it back), and gunicorn
# stops a worker after 30 s. A 10,000-row preview took 20 s on a busy two-core machine
# (README, "Performance"), so the web takes half that and larger files go through the
# command line, which has no time limit.
WEB_MAX_ROWS = 5_000


def import_command(kind: str, target, filename: str) -> str:
    """The command that imports this file on the server, where time is not limited."""
    option = f"--process {target.slug}" if kind == "violence" else f"--commitment {target.id}"
    return f"flask --app wsgi import {kind} {filename} {option}"


def web_refusal(kind: str, target, filename: str, content: bytes) -> str | None:
    """Why the web will not take this file (too many rows or values), or None."""
    config = current_app.config
    return preview_budget.refusal(
        preview_budget.measure(content, kind),
        max_rows=config.get("IMPORT_WEB_MAX_ROWS", WEB_MAX_ROWS),
        command=import_command(kind, target, filename),
        max_work=config.get("IMPORT_WEB_MAX_WORK", preview_budget.MAX_WORK),
    )


def upload_form() -> UploadForm:
    """The upload form with today's targets; importing as published only with review off."""
    return UploadForm(import_targets(), may_publish=not review_required())


def render_upload(form: UploadForm, status: int = 200, too_large: str | None = None):
    """The upload page with the list of past imports."""
    page = render_template(
        "imports/index.html",
        form=form,
        imports=list_imports(),
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
    """Keep the uploaded file, then show its preview."""
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
    refusal = web_refusal(kind, target, filename, content)
    if refusal:
        form.file.errors.append(refusal)
        return render_upload(form, 400)
    pending = store_upload(current_user.id, kind, target_id, form.status.data, filename, content)
    return redirect(url_for("imports.preview", token=pending.token))


def pending_or_404(token: str):
    """The current user's pending upload, or 404 (someone else's is not theirs to see)."""
    pending = find_pending(token, current_user.id)
    if pending is None:
        abort(404, "This upload is not waiting any more: it was imported, cancelled or expired.")
    return pending


def run_refusal(pending, reason: str) -> str:
    """What the preview page says when the upload is not run."""
    target = resolve_target(pending.kind, pending.target_id)[0]
    command = import_command(pending.kind, target, pending.filename) if target else ""
    if reason == "running":
        return (
            "This file is being previewed or imported right now. Wait a minute, then reload "
            "this page."
        )
    if reason == "stopped":
        return (
            "The last preview of this file did not finish: it took longer than the server "
            "allows, and was stopped. Nothing was imported, and it will not be run again on "
            f"the web. Import it on the server instead, with: {command}"
        )
    return reason  # a refusal of the file's size, which names the command itself


def render_preview(token, pending, result=None, label="", failure=None, stopped=None):
    """The preview page: counts and first rows, every error, or why nothing was run."""
    facts = {"filename": pending.filename, "size": pending.size, "status": pending.status}
    if not label:
        label = resolve_target(pending.kind, pending.target_id)[1]
    status = 200
    if stopped:
        status = 409 if "right now" in stopped else 422
    elif failure:
        status = 422
    page = render_template(
        "imports/preview.html",
        token=token,
        kind=pending.kind,
        facts=facts,
        label=label,
        result=result,
        failure=failure,
        outside=result.outside if result else [],
        stopped=stopped,
        form=ConfirmForm(),
    )
    return page, status


@bp.get("/imports/<token>")
@require_role("researcher", "admin")
def preview(token: str):
    """What the import would do: counts, the first rows as stored, or every error."""
    pending = pending_or_404(token)
    target = resolve_target(pending.kind, pending.target_id)[0]
    if target is None:
        abort(404, "the process or commitment of this upload no longer exists")
    # Uploads kept from before the web limits are held to them here too.
    too_costly = web_refusal(pending.kind, target, pending.filename, pending.content)
    if too_costly:
        return render_preview(token, pending, stopped=run_refusal(pending, too_costly))
    try:
        # Rows outside the process are let through here, listed, and need a tick to confirm.
        result, label = run_pending(
            pending, current_user.email, current_user.id, dry_run=True, accept_outside=True
        )
    except CsvImportError as error:
        return render_preview(token, pending, failure=error)
    except RunRefusedError as refused:
        return render_preview(token, pending, stopped=run_refusal(pending, refused.reason))
    except LookupError as error:
        abort(404, str(error))
    return render_preview(token, pending, result=result, label=label)


@bp.post("/imports/<token>/confirm")
@require_role("researcher", "admin")
def confirm(token: str):
    """Import for real, in one transaction, as one audit event."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; open the preview again and confirm.")
    pending = pending_or_404(token)
    try:
        result, label = run_pending(
            pending,
            current_user.email,
            current_user.id,
            dry_run=False,
            accept_outside=form.accept_outside.data,
        )
    except OutsideRowsError:
        flash(
            "Some rows lie outside this process's countries or period: tick the box to "
            "import them too, or cancel.",
            "error",
        )
        return redirect(url_for("imports.preview", token=token))
    except CsvImportError:
        flash("The file has errors and nothing was imported; see the preview.", "error")
        return redirect(url_for("imports.preview", token=token))
    except RunRefusedError:
        flash("Nothing was imported; see the preview.", "error")
        return redirect(url_for("imports.preview", token=token))
    except LookupError as error:
        abort(404, str(error))
    counts = result.counts
    flash(
        f"Imported into {label}: {counts.added} added, {counts.updated} updated, "
        f"{counts.unchanged} unchanged.",
        "success",
    )
    return redirect(url_for("imports.index"))


@bp.post("/imports/<token>/cancel")
@require_role("researcher", "admin")
def cancel(token: str):
    """Forget the upload; nothing was imported."""
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; open the preview again.")
    discard_pending(pending_or_404(token))
    flash("Upload cancelled; nothing was imported.", "info")
    return redirect(url_for("imports.index"))
