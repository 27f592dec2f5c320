"""Security headers on every response, and login sessions that end when idle or too old.

The Content-Security-Policy allows scripts from this site only: chart data travels in
``<script type="application/json">`` blocks drawn by static JS. plotly.js sets inline styles
on the SVG it draws, hence ``style-src 'unsafe-inline'`` (styles cannot run code).
"""

from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask_login import current_user, logout_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
# Only the /embed/... pages may be shown in another site's frame (see ``embeddable``).
EMBED_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "frame-ancestors 'none'", "frame-ancestors *"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: Flask-WTF's CSRF check over HTTPS needs a same-origin Referer.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Session keys holding the login time and the time of the last request, in seconds since 1970.
LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# Endpoints that never read or write a login session (the health check must answer without
# the database that loading a user needs).
SESSIONLESS_ENDPOINTS = ("static", "health.healthz")
# The last-seen time is written at most this often, so most requests leave the cookie alone.
SEEN_RESOLUTION_SECONDS = 60


def mark_session_start() -> None:
    """Record the login time in a fresh session (called right after ``login_user``)."""
    now = time.time()
    session.permanent = True
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def session_expired(now: float) -> bool:
    """True when the session has been idle too long or is older than the absolute limit."""
    config = current_app.config
    login_at = session.get(LOGIN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    idle = config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    return now - seen_at > idle or now - login_at > absolute


def enforce_session_limits() -> None:
    """End an expired login session; the request goes on as an anonymous visitor's."""
    if request.endpoint in SESSIONLESS_ENDPOINTS or not current_user.is_authenticated:
        return
    now = time.time()
    if LOGIN_AT not in session:
        # Restored from a remember-me cookie: the session starts now.
        mark_session_start()
        return
    if session_expired(now):
        logout_user()
        session.clear()
        flash("Your session has ended. Please log in again.", "info")
        return
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now


def set_security_headers(response):
    """Add the security headers; HSTS only over HTTPS; no caching of logged-in pages."""
    embed = is_embeddable() and response.status_code < 400  # error pages refuse frames
    if embed:
        response.headers.setdefault("Content-Security-Policy", EMBED_CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        if not (embed and name == "X-Frame-Options"):
            response.headers.setdefault(name, value)
    if request.is_secure:
        max_age = current_app.config["HSTS_MAX_AGE"]
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}; includeSubDomains"
    # Pages for a logged-in user may hold unpublished data: keep them out of shared caches.
    # Responses that declare themselves public (static files, plotly.js) keep their caching.
    public = request.endpoint == "static" or response.cache_control.public
    if "_user_id" in session and not public and not response.cache_control.no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def embeddable(view):
    """Mark a view whose page other sites may show in a frame (frame-ancestors *, no
    X-Frame-Options). Only the /embed/... routes are marked; every other page refuses frames."""
    view.embeddable = True
    return view


def is_embeddable() -> bool:
    """Whether the request's view was marked ``embeddable`` (and answered without error)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "embeddable", False)) and request.routing_exception is None


def init_app(app) -> None:
    """Register the session check and the header hook."""
    app.before_request(enforce_session_limits)
    app.after_request(set_security_headers)
