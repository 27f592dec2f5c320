"""Admin pages: account management. Every view here needs the admin role."""

from flask import Blueprint

from tracker.permissions import restrict_blueprint

bp = Blueprint("admin", __name__)
restrict_blueprint(bp, "admin")

from tracker.admin import routes  # noqa: E402,F401  - routes register themselves on bp
