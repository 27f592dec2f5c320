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
