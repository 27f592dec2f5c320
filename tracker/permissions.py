"""Every permission decision of the app, in one place."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from tracker.models.base import ROLES


def require_role(*roles: str):
    """Route decorator: the user must be logged in and hold one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_see_unpublished() -> bool:
    """Researchers and admins see records under review; viewers see published records only."""
    return bool(current_user and current_user.is_authenticated)


# --- Records entry and review (issue 3) ----------------------------------------------------
# Kept together at the end of the module so other features can append their own checks.

EDITOR_ROLES = ("researcher", "admin")


def require_editor(view):
    """Route decorator: a logged-in researcher or admin (everyone who enters data)."""
    return require_role(*EDITOR_ROLES)(view)


def can_publish(user, record) -> bool:
    """A second person publishes: nobody publishes their own changes, unless review is off."""
    from tracker.services.review import may_publish

    if not (user and user.is_authenticated and user.role in EDITOR_ROLES):
        return False
    return may_publish(user, record)


def require_publish(user, record) -> None:
    """Abort with 403 unless ``user`` may publish ``record``."""
    if not can_publish(user, record):
        abort(403)
