"""Login, logout and password change views."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth import bp, keep_current_session, rotate_session_token
from tracker.auth.forms import (
    LOGIN_FAILED,
    PASSWORD_HINT,
    ChangePasswordForm,
    LoginForm,
    authenticate,
)
from tracker.auth.throttle import current_lockout, forgive_attempt, reserve_attempt
from tracker.extensions import db
from tracker.models.base import utcnow
from tracker.security import mark_session_start
from tracker.services.entry.audit import audit_context


def safe_next(target: str | None) -> str | None:
    """Accept a ``next`` redirect only when it is a path on this site."""
    if not target:
        return None
    # Browsers read "\" as "/" and drop tabs and newlines, so "/\evil.example" and
    # "/\t/evil.example" would leave the site.
    if any(char in target for char in "\\\t\r\n") or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # an unclosed "[" where an IPv6 host would be
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


def client_address() -> str | None:
    """The client's address (from X-Forwarded-For only when ProxyFix trusts the proxy)."""
    return request.remote_addr


def _throttled(form, lockout):
    """The login page with the lockout message, status 429 and a Retry-After header."""
    form.form_errors.append(lockout.message)
    response = current_app.make_response(
        (render_template("auth/login.html", form=form, password_hint=None), 429)
    )
    response.headers["Retry-After"] = str(lockout.minutes * 60)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on valid credentials start a fresh session.

    Each attempt is counted before its password is checked, so parallel attempts cannot get
    more password checks than the throttle allows.
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (400 if form.is_submitted() else 200)
    email, address = form.email.data, client_address()
    lockout = reserve_attempt(email, address)
    if lockout:
        return _throttled(form, lockout)
    user = authenticate(email, form.password.data)
    if user is None:
        lockout = current_lockout(email, address)
        if lockout:  # this attempt reached the limit
            return _throttled(LoginForm(formdata=None, email=email), lockout)
        form.form_errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    first_login = user.last_login_at is None
    session.clear()  # a fresh session at login: nothing carried over from before
    user.last_login_at = utcnow()
    forgive_attempt(email, address)
    db.session.commit()
    remember = bool(form.remember.data and current_app.config.get("REMEMBER_ME_ENABLED"))
    login_user(user, remember=remember, fresh=True)
    mark_session_start()
    if user.must_change_password:
        if first_login:
            flash(
                f"Welcome, {user.name}: this is your first login. Replace the temporary "
                "password an admin gave you with one of your own; then you can enter records.",
                "info",
            )
        else:
            flash("Your password was reset by an admin. Choose a new password now.", "info")
        return redirect(url_for("auth.change_password"))
    flash(f"Logged in as {user.name}.", "success")
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.post("/logout")
def logout():
    """End the session (POST with a CSRF token, so no link can log a user out).

    The session token is rotated, so copies of this session cookie stop working too.
    """
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        rotate_session_token(user)
        db.session.commit()
    logout_user()
    session.clear()
    flash("You have been logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; every other session of this user ends."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        forced = user.must_change_password  # a new account or a reset: on to the work
        with audit_context(db.session, action="password_change"):
            user.set_password(form.new_password.data)
            user.must_change_password = False
            rotate_session_token(user)
            db.session.commit()
        keep_current_session(user)
        flash("Password changed. Your sessions on other devices have ended.", "success")
        return redirect(url_for("records.index" if forced else "main.index"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/change_password.html", form=form, password_hint=PASSWORD_HINT
    ), status
