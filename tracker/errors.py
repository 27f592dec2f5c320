"""Error responses: HTML pages for the site, ``{"error": {...}}`` bodies under /api.

No stack trace or internal detail ever reaches the client: unexpected errors are logged and
answered with a generic 500.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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
CSRF_MESSAGE = (
    "This form could not be sent because its security token was missing or had expired. "
    "Go back, reload the page and submit the form again."
)


def wants_json() -> bool:
    """API clients get JSON errors."""
    return request.path.startswith("/api/")


def error_response(code: int, message: str, status: int | None = None):
    """A JSON error body ``{"error": {"code", "message"}}`` with a 4xx/5xx status."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status or code
    return response


def _message(error: HTTPException, code: int) -> str:
    """Our message for ``code``, or the one a view gave to ``abort(code, message)``."""
    message = MESSAGES.get(code, error.name)
    if code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit:
            size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
            message = f"The upload is too large: the limit is {size}."
    description = getattr(error, "description", None)
    # abort(404, "No process ...") carries a message for the user; Werkzeug's generic
    # class-level descriptions are replaced by ours.
    if isinstance(description, str) and description != type(error).description:
        message = description
    return message


def render_error(code: int, name: str, message: str, title: str | None = None):
    """The error as JSON under /api, else as a page."""
    if wants_json():
        return error_response(code, message)
    page = render_template(
        "errors/error.html", code=code, name=name, title=title or name, message=message
    )
    return page, code


def handle_http_error(error: HTTPException):
    """Render any HTTP error without internals: JSON under /api, a page elsewhere."""
    code = error.code or 500
    response = current_app.make_response(render_error(code, error.name, _message(error, code)))
    # Keep the headers the error carries for clients: Allow (405), Retry-After (429).
    for name in ("Allow", "Retry-After"):
        value = error.get_response().headers.get(name)
        if value:
            response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError):
    """A missing or stale CSRF token: a clear 400 that says what to do."""
    current_app.logger.info("CSRF check failed on %s %s: %s", request.method, request.path, error)
    return render_error(400, "Bad Request", CSRF_MESSAGE, title="The form has expired")


def handle_unexpected(error: Exception):
    """Log the traceback, show a generic 500 page or body."""
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app) -> None:
    """Register the handlers (the most specific first: CSRFError is a BadRequest)."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
