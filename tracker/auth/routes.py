"""Login and logout views."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tracker.auth import bp
from tracker.auth.forms import LoginForm
from tracker.extensions import db
from tracker.models.base import utcnow


def safe_next(target: str | None) -> str | None:
    """Accept a ``next`` redirect only when it is a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials start a fresh session."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = form.user
        session.clear()  # a fresh session at login: nothing carried over from before
        user.last_login_at = utcnow()
        db.session.commit()
        login_user(user, remember=form.remember.data and _remember_allowed())
        flash(f"Logged in as {user.name}.", "success")
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    if form.is_submitted():
        status = 401 if form.form_errors else 400
    return render_template("auth/login.html", form=form), status


def _remember_allowed() -> bool:
    from flask import current_app

    return bool(current_app.config.get("REMEMBER_ME_ENABLED"))


@bp.post("/logout")
def logout():
    """End the session (POST with a CSRF token, so no link can log a user out)."""
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("main.index"))
