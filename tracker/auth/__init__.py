"""Accounts: log in and out, change one's password; revocable sessions."""

import secrets

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_user

from tracker.extensions import db

bp = Blueprint("auth", __name__)

# Endpoints a user who must change their password may still reach.
ALLOWED_BEFORE_PASSWORD_CHANGE = {"auth.change_password", "auth.logout", "static"}


def init_login(login_manager) -> None:
    """Tell Flask-Login how to load a user from the session id ``"<id>:<session token>"``."""
    from tracker.models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not secrets.compare_digest(user.session_token, token):
            return None
        if not user.is_active:
            return None
        return user


def rotate_session_token(user) -> None:
    """Give ``user`` a new session token: every session holding the old one ends."""
    user.session_token = secrets.token_hex(16)


def keep_current_session(user) -> None:
    """After rotating the token of the user of this request, keep this one session going."""
    if current_user.is_authenticated and current_user.id == user.id:
        login_user(user, fresh=True)


@bp.before_app_request
def require_password_change():
    """A user holding a temporary password changes it before doing anything else."""
    from tracker.security import SESSIONLESS_ENDPOINTS

    if request.endpoint in SESSIONLESS_ENDPOINTS:
        return None
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in ALLOWED_BEFORE_PASSWORD_CHANGE
        and not request.path.startswith("/api/")
    ):
        return redirect(url_for("auth.change_password"))
    return None


from tracker.auth import routes  # noqa: E402,F401  - routes register themselves on bp
