"""Records entry: forms for every record, the review workflow, history and restore (/manage)."""

from flask import Blueprint
from flask_login import current_user

from tracker.permissions import EDITOR_ROLES, can_publish, restrict_blueprint

bp = Blueprint("records", __name__)
# Every page here, present and future, needs a logged-in researcher or admin.
restrict_blueprint(bp, *EDITOR_ROLES)


@bp.context_processor
def record_helpers() -> dict:
    """Template helpers of the records pages: publish permission and readable diffs."""
    from tracker.services.entry.history import action_label, field_changes, label, show
    from tracker.services.entry.revisions import comparable

    return {
        "action_label": action_label,
        "comparable": comparable,
        "field_label": label,
        "show_value": show,
        "can_publish": lambda record: can_publish(current_user, record),
        "field_changes": field_changes,
    }


from tracker.records import (  # noqa: E402,F401 - routes register themselves on bp
    routes_edit,
    routes_history,
    routes_lists,
    routes_review,
)
