"""Import one agreement of a PA-X file from the web (researchers and admins)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from tracker.extensions import db
from tracker.imports import bp
from tracker.imports.forms import PaxForm
from tracker.models import PeaceProcess
from tracker.permissions import require_role
from tracker.services.entry.audit import audit_context
from tracker.services.entry.guard import changes_become_revisions
from tracker.services.entry.review import PublicationRefusedError
from tracker.services.interchange.bundle import BundleError
from tracker.services.interchange.pax import PaxError, import_pax_agreement


def pax_form() -> PaxForm:
    """The form with today's processes; admins may publish directly."""
    processes = db.session.scalars(select(PeaceProcess).order_by(PeaceProcess.name)).all()
    return PaxForm([(str(p.id), p.name) for p in processes], may_publish=current_user.is_admin)


@bp.route("/imports/agreement", methods=["GET", "POST"])
@require_role("researcher", "admin")
def pax_agreement():
    """Upload a PA-X file and choose the agreement: it is imported at once, all or nothing."""
    form = pax_form()
    if not form.validate_on_submit():
        return render_template("imports/agreement.html", form=form), (
            400 if form.is_submitted() else 200
        )
    slug = None
    if form.target_process.data:
        process = db.session.get(PeaceProcess, int(form.target_process.data))
        slug = process.slug if process else None
    upload = form.file.data
    try:
        with (
            audit_context(db.session, action="import", actor=current_user.email),
            changes_become_revisions(db.session, current_user.id, f"PA-X {form.pax_id.data}"),
        ):
            result = import_pax_agreement(upload.stream, form.pax_id.data, slug, form.status.data)
            db.session.commit()
    except PublicationRefusedError as error:
        db.session.rollback()
        form.status.errors.append(
            f"{error} Choose 'under review' and have someone else publish it from the review queue."
        )
        return render_template("imports/agreement.html", form=form), 400
    except PaxError as error:
        db.session.rollback()
        form.file.errors.append(f"{error}; nothing was imported.")
        return render_template("imports/agreement.html", form=form), 400
    except BundleError as error:
        db.session.rollback()
        form.file.errors.extend(f"{path}: {message}" for path, message in error.errors)
        return render_template("imports/agreement.html", form=form), 400
    counts = result.counts
    flash(
        f"PA-X agreement {form.pax_id.data} imported into {result.process_slug}: "
        f"{counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged. "
        + " ".join(result.notes),
        "success",
    )
    return redirect(url_for("imports.pax_agreement"))
