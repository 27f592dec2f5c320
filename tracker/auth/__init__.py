"""Accounts: log in and out."""

from flask import Blueprint

from tracker.extensions import db

bp = Blueprint("auth", __name__)


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
        if user is None or user.session_token != token or not user.is_active:
            return None
        return user


from tracker.auth import routes  # noqa: E402,F401  - routes register themselves on bp
