"""Every permission decision of the app, in one place."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from tracker.models.base import ROLES
from tracker.services.figures.public import find_process


def require_role(*roles: str):
    """Route decorator: the user must be logged in and hold one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            # Every method, OPTIONS included: Flask-Login's login_required lets OPTIONS through
            # to a role check an anonymous visitor cannot answer.
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_see_unpublished() -> bool:
    """Researchers and admins see records under review; viewers see published records only."""
    return bool(current_user and current_user.is_authenticated)


def restrict_blueprint(blueprint, *roles: str) -> None:
    """Every view of ``blueprint``, present and future, needs one of ``roles``.

    A check in ``before_request`` cannot be forgotten on a new route; views may still add
    object-level checks of their own.
    """
    guard = require_role(*roles)(lambda: None)
    blueprint.before_request(guard)


def can_manage_accounts(user) -> bool:
    """Only admins create accounts, change roles, deactivate and reset passwords."""
    return bool(user and user.is_authenticated and user.role == "admin")


def require_account_manager(target) -> None:
    """Object-level check for an account change: abort with 403 unless allowed, 404 if absent."""
    if target is None:
        abort(404, "There is no such user.")
    if not can_manage_accounts(current_user):
        abort(403)


# --- Records entry and review (issue 3) ----------------------------------------------------
# Kept together at the end of the module so other features can append their own checks.

EDITOR_ROLES = ("researcher", "admin")


def can_publish(user, record) -> bool:
    """A second person publishes: nobody publishes their own changes, unless review is off."""
    from tracker.services.entry.review import has_pending, may_publish

    if not (user and user.is_authenticated and user.role in EDITOR_ROLES):
        return False
    return has_pending(record) and may_publish(user, record)


def published_process_or_404(slug: str):
    """The published process with this slug, or a 404 that names it (JSON under the API)."""
    found = find_process(slug)
    if found is None:
        no_published_process(slug)
    return found


def no_published_process(slug: str):
    """A 404 that names the process asked for (JSON under the API)."""
    abort(404, f"There is no published process called {slug!r}.")
