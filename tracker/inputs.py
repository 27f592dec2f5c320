"""The request edge: characters no table or CSV file can hold are refused here, once.

Every request's path, form fields, uploaded file names and JSON body are
checked before any view runs, and a request holding one is answered with a 400 that names the
field: a page on the site, ``{"error": ...}`` under /api. Uploaded file contents are checked
cell by cell by the CSV reader, with the same rule
(:mod:`tracker.services.rules.characters`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest

from tracker.errors import render_error
from tracker.services.rules.characters import json_strings, unstorable_character


def _json_body() -> Any:
    """The request's JSON body (None when it is not JSON); a 400 when nested past parsing."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise BadRequest("The JSON body is nested too deeply to read.") from None


def request_strings() -> Iterator[tuple[str, str]]:
    """(what it is, text) for every piece of text a request carries into the app."""
    yield "the address", request.path
    # Query strings are read by one filter parser (tracker/services/rules/filters.py), which
    # drops NUL from an actor and refuses it elsewhere with the filter's own message.
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, value in request.form.items(multi=True):
            yield f"the form field {key!r}", key + value
        for key, upload in request.files.items(multi=True):
            yield f"the name of the uploaded file {key!r}", key + (upload.filename or "")
        if request.is_json:
            for where, value, _ in json_strings(_json_body(), "the JSON body"):
                yield where, value


def refuse_unstorable_characters():
    """``before_request``: a 400 naming the field when any text holds an unstorable character."""
    for where, value in request_strings():
        problem = unstorable_character(value)
        if problem:
            message = (
                f"{where[0].upper()}{where[1:]} holds {problem}, which cannot be stored. "
                "Remove it and try again; nothing was changed."
            )
            return render_error(400, "Bad Request", message, title="Character not allowed")
    return None


def init_app(app) -> None:
    """Check every request before any other hook or view sees it."""
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_characters)
