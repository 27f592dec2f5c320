"""Records entry: forms for every record, the review workflow, history and restore (/manage)."""

from flask import Blueprint, abort
from flask_login import current_user

from tracker.permissions import EDITOR_ROLES, can_publish

bp = Blueprint("records", __name__)


@bp.before_request
def editors_only():
    """Every page here needs a logged-in researcher or admin; viewers are sent to log in."""
    from tracker.extensions import login_manager

    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in EDITOR_ROLES:
        abort(403)
    return None


@bp.context_processor
def record_helpers() -> dict:
    """Template helpers of the records pages: publish permission and readable diffs."""
    from tracker.services.history import action_label, field_changes

    return {
        "action_label": action_label,
        "can_publish": lambda record: can_publish(current_user, record),
        "field_changes": field_changes,
    }


from tracker.records import (  # noqa: E402,F401 - routes register themselves on bp
    routes_edit,
    routes_history,
    routes_lists,
    routes_review,
)
