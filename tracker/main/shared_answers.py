"""Answers every viewer gets alike, kept whole: the body and its compressed forms.

A process page for anonymous visitors, or a chart's CSV, is the same for everyone asking with
the same filters under the same data version. Its body is made once (see
:mod:`tracker.services.dashboard.cache`) and compressed once per encoding, so a warm answer
costs one query (the data version) and two look-ups: no query for the process, no template,
no compression per request. Flask-Compress leaves alone a response that has a
Content-Encoding already.
"""

from __future__ import annotations

import gzip
from collections.abc import Hashable

import brotli
from flask import Response, request, session
from flask_login import current_user

from tracker.permissions import no_published_process
from tracker.services.dashboard import cache
from tracker.services.figures.public import find_process

# Compressed once and sent many times: better levels than Flask-Compress's per-request ones.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Smaller bodies are sent as they are (Flask-Compress's COMPRESS_MIN_SIZE default).
MIN_SIZE = 500
ENCODINGS = ("br", "gzip")


def is_shared() -> bool:
    """Whether this request gets what every anonymous visitor gets: no user menu, no flash
    message waiting in the session."""
    return not session and not current_user.is_authenticated


def published_process_id(slug: str) -> int:
    """The id of the published process called ``slug``, kept under the data version (a
    change to any process moves the version); otherwise a 404 that names it."""
    found = cache.cached(("published process", slug), lambda: _id_of(slug))
    if found is None:
        no_published_process(slug)
    return found


def _id_of(slug: str) -> int | None:
    process = find_process(slug)
    return None if process is None else process.id


def _encoding(size: int) -> str | None:
    """The encoding this request accepts that we prefer, if the body is worth compressing."""
    if size < MIN_SIZE:
        return None
    accepted = request.accept_encodings
    return next((name for name in ENCODINGS if accepted[name]), None)


def _encode(text: str, encoding: str | None) -> bytes:
    data = text.encode()
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return data


def encoded(
    key: tuple[Hashable, ...], text: str, mimetype: str, headers: dict | None = None
) -> Response:
    """``text`` (the body kept under ``key``) as a response, compressed as the request
    accepts, the compressed bytes kept under ``key`` too."""
    encoding = _encoding(len(text))
    body = cache.cached(("encoded", encoding, *key), lambda: _encode(text, encoding), "page_cache")
    response = Response(body, mimetype=mimetype, headers=headers)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response
