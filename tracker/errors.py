"""Error responses: HTML pages for the site, ``{"error": {...}}`` bodies under /api."""

from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "The request could not be understood. Check the form or the address and try again.",
    403: "You do not have permission to do that.",
    404: "There is nothing at this address. Check the link, or start again from the home page.",
    405: "That action is not allowed at this address.",
    413: "The upload is too large.",
    429: "Too many attempts. Please wait and try again.",
    500: "Something went wrong on our side. The error has been logged; please try again later.",
}


def wants_json() -> bool:
    """API clients get JSON errors."""
    return request.path.startswith("/api/")


def error_response(code: int, message: str, status: int | None = None):
    """A JSON error body ``{"error": {"code", "message"}}`` with a 4xx/5xx status."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status or code
    return response


def handle_http_error(error: HTTPException):
    """Render any HTTP error without internals: JSON under /api, a page elsewhere."""
    code = error.code or 500
    message = MESSAGES.get(code, error.name)
    description = getattr(error, "description", None)
    # abort(404, "No process ...") carries a message for the user; Werkzeug's generic
    # class-level descriptions are replaced by ours.
    if isinstance(description, str) and description != type(error).description:
        message = description
    if wants_json():
        response = error_response(code, message)
    else:
        response = render_template("errors/error.html", code=code, name=error.name, message=message)
        response = (response, code)
    return response


def handle_unexpected(error: Exception):
    """Log the traceback, show a generic 500 page or body."""
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
